package wire

import (
	"bytes"
	"fmt"
	"testing"
)

const opsPerBuffer = 100

// pubs returns a buffer of n PUBs (every other one with a reply) with payloads of size bytes.
func pubs(n, size int) []byte {
	payload := bytes.Repeat([]byte("x"), size)
	var b []byte
	for i := range n {
		if i%2 == 0 {
			b = fmt.Appendf(b, "PUB foo.bar.%d %d\r\n", i, size)
		} else {
			b = fmt.Appendf(b, "PUB foo.bar.%d _INBOX.abcdef.%d %d\r\n", i, i, size)
		}
		b = append(b, payload...)
		b = append(b, "\r\n"...)
	}
	return b
}

// hpubs returns a buffer of n HPUBs with a small header block and payloads of size bytes.
func hpubs(n, size int) []byte {
	hdr := "NATS/1.0\r\nFoo: bar\r\n\r\n"
	payload := bytes.Repeat([]byte("x"), size)
	var b []byte
	for i := range n {
		b = fmt.Appendf(b, "HPUB foo.bar.%d %d %d\r\n%s", i, len(hdr), len(hdr)+size, hdr)
		b = append(b, payload...)
		b = append(b, "\r\n"...)
	}
	return b
}

// chunks cuts b into reads of n bytes, so most operations span two reads.
func chunks(b []byte, n int) [][]byte {
	var out [][]byte
	for len(b) > n {
		out = append(out, b[:n])
		b = b[n:]
	}
	return append(out, b)
}

func parseAll(tb testing.TB, p *Parser, h Handler, reads [][]byte) {
	for _, r := range reads {
		if err := p.Parse(r, h); err != nil {
			tb.Fatal(err)
		}
	}
}

// TestParseAllocs asserts that parsing the message path allocates nothing: whole buffers of
// PUB/HPUB, the same split into reads at awkward offsets, and the other client operations.
func TestParseAllocs(t *testing.T) {
	other := []byte("CONNECT {\"verbose\":false}\r\nSUB foo q 1\r\nUNSUB 1 10\r\nPING\r\nPONG\r\n+OK\r\n")
	cases := []struct {
		name  string
		reads [][]byte
	}{
		{"pub 16B", [][]byte{pubs(opsPerBuffer, 16)}},
		{"pub 1KB", [][]byte{pubs(opsPerBuffer, 1024)}},
		{"hpub", [][]byte{hpubs(opsPerBuffer, 64)}},
		{"pub 1KB split", chunks(pubs(opsPerBuffer, 1024), 777)},
		{"pub 16B split", chunks(pubs(opsPerBuffer, 16), 13)},
		{"hpub split", chunks(hpubs(opsPerBuffer, 64), 101)},
		{"other ops", [][]byte{other}},
		{"other ops split", chunks(other, 5)},
	}
	for _, c := range cases {
		p := NewParser()
		p.Headers = true
		h := &nopHandler{}
		if n := testing.AllocsPerRun(50, func() { parseAll(t, p, h, c.reads) }); n != 0 {
			t.Errorf("%s: %v allocations per run, want 0", c.name, n)
		}
	}
	buf := make([]byte, 0, 4096)
	payload := make([]byte, 1024)
	if n := testing.AllocsPerRun(50, func() {
		buf = AppendMsg(buf[:0], []byte("foo.bar"), []byte("12"), []byte("_INBOX.x"), payload)
		buf = AppendHMsg(buf, []byte("foo.bar"), []byte("12"), nil, 12, payload)
		buf = AppendErr(buf, ErrInvalidSubject)
	}); n != 0 {
		t.Errorf("encoders: %v allocations per run, want 0", n)
	}
}

func benchParse(b *testing.B, reads [][]byte, msgs int) {
	p := NewParser()
	p.Headers = true
	h := &nopHandler{}
	n := 0
	for _, r := range reads {
		n += len(r)
	}
	b.SetBytes(int64(n))
	b.ReportAllocs()
	for b.Loop() {
		parseAll(b, p, h, reads)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*msgs), "ns/msg")
	if h.n != b.N*msgs {
		b.Fatalf("delivered %d messages, want %d", h.n, b.N*msgs)
	}
}

func BenchmarkParsePub16(b *testing.B) {
	benchParse(b, [][]byte{pubs(opsPerBuffer, 16)}, opsPerBuffer)
}

func BenchmarkParsePub1K(b *testing.B) {
	benchParse(b, [][]byte{pubs(opsPerBuffer, 1024)}, opsPerBuffer)
}

func BenchmarkParsePub1KSplit(b *testing.B) {
	benchParse(b, chunks(pubs(opsPerBuffer, 1024), 4096), opsPerBuffer)
}

func BenchmarkParseHPub(b *testing.B) {
	benchParse(b, [][]byte{hpubs(opsPerBuffer, 64)}, opsPerBuffer)
}

func BenchmarkAppendMsg(b *testing.B) {
	buf := make([]byte, 0, 4096)
	payload := make([]byte, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendMsg(buf[:0], []byte("foo.bar.baz"), []byte("1234"), []byte("_INBOX.abcdef"), payload)
	}
}

func BenchmarkAppendHMsg(b *testing.B) {
	buf := make([]byte, 0, 4096)
	msg := make([]byte, 128)
	b.ReportAllocs()
	for b.Loop() {
		buf = AppendHMsg(buf[:0], []byte("foo.bar.baz"), []byte("1234"), []byte("_INBOX.abcdef"), 22, msg)
	}
}
