package wire

import (
	"fmt"
	"testing"
)

// fuzzCfg derives a Parser configuration from the fuzzer's flags byte.
func fuzzCfg(flags uint8) cfg {
	c := cfg{headers: flags&1 != 0, requireConnect: flags&2 != 0}
	if flags&4 != 0 {
		c.mcl, c.mp = 64, 16
	}
	return c
}

// FuzzParser feeds random input whole and split at a random offset (and a second one): the
// Parser must not panic, must hand the Handler only slices of the read buffer or of its own
// buffers, and the split feeds must give the same callbacks and error as the whole one.
func FuzzParser(f *testing.F) {
	for _, tc := range parseCases {
		flags := uint8(0)
		if tc.cfg.headers {
			flags |= 1
		}
		if tc.cfg.requireConnect {
			flags |= 2
		}
		if tc.cfg.mcl != 0 {
			flags |= 4
		}
		f.Add([]byte(tc.in), uint16(len(tc.in)/2), flags)
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint16, flags uint8) {
		c := fuzzCfg(flags)
		run := func(chunks ...[]byte) ([]string, error) {
			p := c.parser()
			var cur []byte
			r := &recorder{check: func(what string, b []byte) {
				if !within(b, cur, p.scratch, p.msg) {
					t.Fatalf("%s: slice outside the read buffer and the parser's buffers", what)
				}
			}}
			for _, ch := range chunks {
				cur = append(cur[:0], ch...)
				err := p.Parse(cur, r)
				for i := range cur {
					cur[i] = '#'
				}
				if err != nil {
					return r.events, err
				}
			}
			return r.events, nil
		}
		wantEv, wantErr := run(data)
		k := int(split) % (len(data) + 1)
		m := k + (len(data)-k)/2
		for _, chunks := range [][][]byte{{data[:k], data[k:]}, {data[:k], data[k:m], data[m:]}} {
			ev, err := run(chunks...)
			if fmt.Sprint(ev) != fmt.Sprint(wantEv) || errKey(err) != errKey(wantErr) {
				t.Fatalf("split at %d/%d differs:\n split %q %s\n whole %q %s", k, m, ev, errKey(err), wantEv, errKey(wantErr))
			}
		}
	})
}
