package events

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"sync"
)

// base62 is the alphabet of event ids and server hashes.
const base62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

// Shape of an event id: a random prefix and a sequence, both base 62.
const (
	idPrefixLen = 12
	idSeqLen    = EventIDLen - idPrefixLen
	idSeqMax    = 839299365868340224 // 62^10
	idMinStep   = 33
	idMaxStep   = 333
)

// IDGen generates unique event ids: 22 base-62 characters, a random prefix
// followed by a sequence that advances by a random step. It is safe for
// concurrent use.
type IDGen struct {
	mu     sync.Mutex
	prefix [idPrefixLen]byte
	seq    uint64
	step   uint64
}

// NewIDGen returns a generator with a random prefix.
func NewIDGen() *IDGen {
	g := &IDGen{}
	g.reset()
	return g
}

func randUint64() uint64 {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return binary.LittleEndian.Uint64(b[:])
}

// reset picks a new prefix, start and step; g.mu held (or not shared yet).
func (g *IDGen) reset() {
	var b [idPrefixLen]byte
	_, _ = rand.Read(b[:])
	for i, v := range b {
		g.prefix[i] = base62[int(v)%len(base62)]
	}
	g.seq = randUint64() % (idSeqMax / 2)
	g.step = idMinStep + randUint64()%(idMaxStep-idMinStep)
}

// Next returns a new id.
func (g *IDGen) Next() string {
	g.mu.Lock()
	g.seq += g.step
	if g.seq >= idSeqMax {
		g.reset()
	}
	var out [EventIDLen]byte
	copy(out[:], g.prefix[:])
	seq := g.seq
	g.mu.Unlock()
	for i := EventIDLen - 1; i >= idPrefixLen; i-- {
		out[i] = base62[seq%62]
		seq /= 62
	}
	return string(out[:])
}

// ServerHash returns the 8-character base-62 hash of a server name used in
// the server's private inbox and latency subjects.
func ServerHash(name string) string {
	sum := sha256.Sum256([]byte(name))
	var out [ServerHashLen]byte
	for i := range out {
		out[i] = base62[int(sum[i])%len(base62)]
	}
	return string(out[:])
}
