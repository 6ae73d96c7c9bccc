package record

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestMarshal(t *testing.T) {
	at := time.Date(2026, 11, 25, 1, 2, 3, 456789000, time.UTC)
	tests := []struct {
		name string
		m    Message
		want string
	}{
		{"text", Message{Subject: "a.b", Data: []byte("hi\n"), Received: at, Seq: 1, Sub: "a.>"},
			`{"subject":"a.b","reply":"","data":"hi\n","size":3,"received":"2026-11-25T01:02:03.456789Z","seq":1,"sub":"a.>"}`},
		{"binary", Message{Subject: "x", Reply: "r", Data: []byte{0xff, 0, 1}, Queue: "q", Headers: map[string][]string{"K": {"1", "2"}}},
			`{"subject":"x","reply":"r","headers":{"K":["1","2"]},"data_b64":"/wAB","size":3,"queue":"q"}`},
		{"empty", Message{Subject: "e", Status: 503},
			`{"subject":"e","reply":"","data":"","size":0,"status":503}`},
		{"html not escaped", Message{Subject: "h", Data: []byte("<a&b>")},
			`{"subject":"h","reply":"","data":"<a&b>","size":5}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.m.MarshalJSON()
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("got  %s\nwant %s", b, tt.want)
			}
		})
	}
}

func TestDecoder(t *testing.T) {
	in := `{"subject":"a","reply":"r","headers":{"X":["1"]},"data":"hello","size":99}
{"subject":"b","data_b64":"AAEC"}

{"Subject":"c","Reply":"","Header":{"H":["v"]},"Data":"aGVsbG8=","Sub":null}
`
	d := NewDecoder(strings.NewReader(in))
	want := []Message{
		{Subject: "a", Reply: "r", Headers: map[string][]string{"X": {"1"}}, Data: []byte("hello")},
		{Subject: "b", Data: []byte{0, 1, 2}},
		{Subject: "c", Headers: map[string][]string{"H": {"v"}}, Data: []byte("hello")},
	}
	for i, w := range want {
		m, err := d.Next()
		if err != nil {
			t.Fatalf("record %d: %v", i, err)
		}
		if !reflect.DeepEqual(*m, w) {
			t.Errorf("record %d = %+v, want %+v", i, *m, w)
		}
	}
	if _, err := d.Next(); !errors.Is(err, io.EOF) {
		t.Errorf("end: %v", err)
	}
}

func TestDecoderErrors(t *testing.T) {
	for _, in := range []string{
		`{"reply":"x"}`,
		`{"subject":"a","data":"x","data_b64":"eA=="}`,
		`{"subject":"a","data_b64":"!!"}`,
		`{"subject":1}`,
		`[1,2]`,
		`{"subject":"a"`,
		`null`,
	} {
		_, err := NewDecoder(strings.NewReader(in)).Next()
		if !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: err = %v, want ErrInvalid", in, err)
		}
	}
}

// randomMessage builds a message with random binary or text payload and headers.
func randomMessage(r *rand.Rand) Message {
	m := Message{Subject: "s." + string(rune('a'+r.IntN(26))), Data: make([]byte, r.IntN(200))}
	for i := range m.Data {
		m.Data[i] = byte(r.IntN(256))
	}
	if r.IntN(2) == 0 {
		m.Data = []byte(strings.Repeat("é text ", r.IntN(5)))
	}
	if r.IntN(2) == 0 {
		m.Reply = "_INBOX.x"
	}
	if n := r.IntN(3); n > 0 {
		m.Headers = map[string][]string{}
		for i := range n {
			m.Headers[string(rune('A'+i))+"-Key"] = []string{"v", string(rune('0' + r.IntN(10)))}
		}
	}
	return m
}

func TestRoundTripRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	var buf []byte
	var msgs []Message
	for range 500 {
		m := randomMessage(r)
		msgs = append(msgs, m)
		var err error
		if buf, err = AppendNDJSON(buf, &m); err != nil {
			t.Fatal(err)
		}
	}
	d := NewDecoder(bytes.NewReader(buf))
	for i, want := range msgs {
		got, err := d.Next()
		if err != nil {
			t.Fatalf("%d: %v", i, err)
		}
		if got.Subject != want.Subject || got.Reply != want.Reply || !bytes.Equal(got.Data, want.Data) ||
			!reflect.DeepEqual(got.Headers, want.Headers) {
			t.Fatalf("%d: got %+v, want %+v", i, got, want)
		}
	}
}

func FuzzDecoder(f *testing.F) {
	f.Add([]byte(`{"subject":"a","data":"x"}`))
	f.Add([]byte(`{"subject":"a","data_b64":"AAE=","headers":{"K":["v"]}}`))
	f.Add([]byte(`{"Subject":"c","Data":"aGk="}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		d := NewDecoder(bytes.NewReader(in))
		for range 100 {
			m, err := d.Next()
			if err != nil {
				return
			}
			// A decoded record re-encodes and decodes to the same message.
			b, err := AppendNDJSON(nil, m)
			if err != nil {
				t.Fatal(err)
			}
			m2, err := NewDecoder(bytes.NewReader(b)).Next()
			if err != nil {
				t.Fatalf("re-decode %s: %v", b, err)
			}
			if m2.Subject != m.Subject || m2.Reply != m.Reply || !bytes.Equal(m2.Data, m.Data) {
				t.Fatalf("round trip changed %+v to %+v", m, m2)
			}
		}
	})
}

func TestMarshalMatched(t *testing.T) {
	m := &Message{Subject: "_INBOX.a", Data: []byte("x"), Seq: 3, Matched: true}
	b, err := m.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	if want := `{"subject":"_INBOX.a","reply":"","data":"x","size":1,"seq":3,"matched":true,"latency_ns":0}`; string(b) != want {
		t.Errorf("got %s\nwant %s", b, want)
	}
	m.Matched, m.Latency = false, time.Second
	if b, _ := m.MarshalJSON(); strings.Contains(string(b), "latency") || strings.Contains(string(b), "matched") {
		t.Errorf("unmatched record has match keys: %s", b)
	}
}
