package natstest

import (
	"regexp"
	"testing"
	"time"
)

func TestConnHelpers(t *testing.T) {
	s := RunServerOpts(t, nil)
	c := Dial(t, s.ClientURL())
	if c.Info["server_id"] != s.ID() {
		t.Fatalf("Info %v", c.Info)
	}
	c.Send("CONNECT {\"verbose\":true,\"headers\":true}\r\n")
	if got := c.Expect(regexp.MustCompile(`^\+O.\r\n`)); got != "+OK\r\n" {
		t.Fatalf("Expect(regexp) = %q", got)
	}
	c.Send("SUB foo 1\r\nPUB foo r 2\r\nhi\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n")
	c.Expect("+OK\r\n+OK\r\n")
	if m := c.ReadMsg(); m != (Msg{Subject: "foo", Sid: "1", Reply: "r", Data: "hi"}) {
		t.Fatalf("ReadMsg = %+v", m)
	}
	c.Expect("+OK\r\n")
	if m := c.ReadMsg(); m != (Msg{Subject: "foo", Sid: "1", Header: "NATS/1.0\r\n\r\n", Data: "hi"}) {
		t.Fatalf("ReadMsg = %+v", m)
	}
	c.ExpectNothing(50 * time.Millisecond)
	c.Send("PING\r\n")
	if line := c.ReadLine(); line != "PONG\r\n" {
		t.Fatalf("ReadLine = %q", line)
	}
	c.Send("FOO\r\n")
	c.Expect("-ERR 'Unknown Protocol Operation'\r\n")
	c.ExpectClosed()
	if !c.Closed() {
		t.Fatal("Closed() false after ExpectClosed")
	}
}

func TestHostPort(t *testing.T) {
	for in, want := range map[string]string{"nats://127.0.0.1:4222": "127.0.0.1:4222", "h:1": "h:1", "nats://h:2/": "h:2"} {
		if got := HostPort(in); got != want {
			t.Errorf("HostPort(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestRunServerFromConfig(t *testing.T) {
	s := RunServer(t, "max_payload: 16\nserver_name: cfg\n")
	c := Dial(t, s.ClientURL())
	if c.Info["max_payload"] != 16.0 || c.Info["server_name"] != "cfg" {
		t.Fatalf("INFO %v", c.Info)
	}
}

func TestRunReference(t *testing.T) {
	r := RunReference(t, "max_payload: 16\n") // skips when the binary is missing
	c := Dial(t, r.ClientURL())
	if c.Info["max_payload"] != 16.0 || c.Info["version"] != "2.15.2" {
		t.Fatalf("reference INFO %v", c.Info)
	}
}
