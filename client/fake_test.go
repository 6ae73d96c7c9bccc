package client

import (
	"bufio"
	"encoding/json"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nkeys"
)

const fakeInfo = `INFO {"server_id":"NFAKE","server_name":"fake","version":"2.15.2","proto":1,"headers":true,"max_payload":1048576,"nonce":"abc"} ` + "\r\n"

// fakeServer accepts connections, sends fakeInfo, answers the handshake
// PING, records each CONNECT line, then reads and ignores everything.
type fakeServer struct {
	addr     string
	mu       sync.Mutex
	connects []string
}

func newFakeServer(t *testing.T) *fakeServer {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeServer{addr: l.Addr().String()}
	var wg sync.WaitGroup
	var connsMu sync.Mutex
	var conns []net.Conn
	t.Cleanup(func() {
		l.Close()
		connsMu.Lock()
		for _, c := range conns {
			c.Close()
		}
		connsMu.Unlock()
		wg.Wait()
	})
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			connsMu.Lock()
			conns = append(conns, c)
			connsMu.Unlock()
			wg.Add(1)
			go func() {
				defer wg.Done()
				f.serve(c)
			}()
		}
	}()
	return f
}

func (f *fakeServer) serve(c net.Conn) {
	defer c.Close()
	if _, err := io.WriteString(c, fakeInfo); err != nil {
		return
	}
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		switch {
		case strings.HasPrefix(line, "CONNECT "):
			f.mu.Lock()
			f.connects = append(f.connects, strings.TrimSpace(line))
			f.mu.Unlock()
			// Answer only the handshake PING that follows CONNECT.
			if _, err := br.ReadString('\n'); err != nil {
				return
			}
			if _, err := io.WriteString(c, "PONG\r\n"); err != nil {
				return
			}
		}
	}
}

func newSilentServer(t *testing.T) string { return newFakeServer(t).addr }

func TestConnectJSON(t *testing.T) {
	f := newFakeServer(t)
	kp, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	seed, _ := kp.Seed()
	connect(t, "nats://"+f.addr, Name("probe"), NoEcho(), NkeyFromSeed(seed))
	deadline := time.Now().Add(5 * time.Second)
	var line string
	for line == "" && time.Now().Before(deadline) {
		f.mu.Lock()
		if len(f.connects) > 0 {
			line = f.connects[0]
		}
		f.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(strings.TrimPrefix(line, "CONNECT ")), &got); err != nil {
		t.Fatalf("CONNECT %q: %v", line, err)
	}
	want := map[string]any{
		"verbose": false, "pedantic": false, "headers": true, "no_responders": true,
		"protocol": float64(1), "echo": false, "name": "probe", "lang": "go", "version": Version,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("CONNECT %s = %v, want %v", k, got[k], v)
		}
	}
	if nk, _ := got["nkey"].(string); !strings.HasPrefix(nk, "U") {
		t.Errorf("nkey %v", got["nkey"])
	}
	if sig, _ := got["sig"].(string); len(sig) != 86 {
		t.Errorf("sig %q is not a base64url ed25519 signature", sig)
	}
}
