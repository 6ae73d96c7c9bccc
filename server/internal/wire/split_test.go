package wire

import (
	"fmt"
	"testing"
)

// TestParseSplit feeds every case in two chunks at every offset, in three chunks at every pair of
// offsets (sampled for long inputs), and one byte at a time; the callbacks and the error must be those of the whole feed.
func TestParseSplit(t *testing.T) {
	for _, tc := range parseCases {
		t.Run(tc.name, func(t *testing.T) {
			in := []byte(tc.in)
			for i := 0; i <= len(in); i++ {
				got, err := runCase(t, tc, in[:i], in[i:])
				checkOutcome(t, tc, fmt.Sprintf("split at %d", i), got, err)
				if t.Failed() {
					return
				}
			}
			// Three chunks: every pair of offsets up to 100 bytes of input; beyond, a stride
			// that still covers every offset as the first or the second cut.
			step := 1
			if len(in) > 100 {
				step = len(in) / 50
			}
			for i := 0; i <= len(in); i++ {
				for j := i + (i % step); j <= len(in); j += step {
					got, err := runCase(t, tc, in[:i], in[i:j], in[j:])
					checkOutcome(t, tc, fmt.Sprintf("split at %d and %d", i, j), got, err)
					if t.Failed() {
						return
					}
				}
			}
			bytewise := make([][]byte, len(in))
			for i := range in {
				bytewise[i] = in[i : i+1]
			}
			got, err := runCase(t, tc, bytewise...)
			checkOutcome(t, tc, "byte at a time", got, err)
		})
	}
}

// TestParseSlicesInBounds checks that every slice handed to the Handler lies in the buffer given
// to that Parse call or in the Parser's own buffers, for every case split at every offset.
func TestParseSlicesInBounds(t *testing.T) {
	for _, tc := range parseCases {
		in := []byte(tc.in)
		for i := 0; i <= len(in); i++ {
			p := tc.cfg.parser()
			var cur []byte
			r := &recorder{check: func(what string, b []byte) {
				if !within(b, cur, p.scratch, p.msg) {
					t.Errorf("%s split at %d: %s slice outside the read buffer and the parser's buffers", tc.name, i, what)
				}
			}}
			for _, c := range [][]byte{in[:i], in[i:]} {
				cur = append([]byte(nil), c...)
				if p.Parse(cur, r) != nil {
					break
				}
			}
		}
	}
}
