package server_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/natsys/natsys/server/natstest"
)

// volatileInfoKeys differ between any two servers or connections.
var volatileInfoKeys = map[string]bool{
	"server_id": true, "server_name": true, "port": true, "client_id": true,
	"go": true, "xkey": true, "nonce": true,
}

// normaliseInfo rewrites every INFO line keeping its keys, their order and
// the values that must agree, and replacing volatile values by "*".
func normaliseInfo(t *testing.T, s string) string {
	t.Helper()
	return infoLine.ReplaceAllStringFunc(s, func(line string) string {
		js := strings.TrimSuffix(strings.TrimPrefix(line, "INFO "), " \r\n")
		dec := json.NewDecoder(strings.NewReader(js))
		if _, err := dec.Token(); err != nil {
			t.Fatalf("bad INFO %q: %v", line, err)
		}
		var b strings.Builder
		b.WriteString("INFO {")
		for i := 0; dec.More(); i++ {
			tok, err := dec.Token()
			if err != nil {
				t.Fatalf("bad INFO %q: %v", line, err)
			}
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				t.Fatalf("bad INFO %q: %v", line, err)
			}
			if i > 0 {
				b.WriteByte(',')
			}
			key := tok.(string)
			b.WriteString(`"` + key + `":`)
			if volatileInfoKeys[key] {
				b.WriteString(`*`)
			} else {
				b.Write(v)
			}
		}
		b.WriteString("} \r\n")
		return b.String()
	})
}

// TestReferenceComparison runs every raw-protocol case against the reference
// nats-server and the in-process server: both must meet the expected
// transcript, and their transcripts must be byte-identical after INFO
// normalisation (IDs, ports, client ids, Go version, keys). Both servers are
// started from the same config text.
func TestReferenceComparison(t *testing.T) {
	if testing.Short() {
		t.Skip("reference comparison is slow; skipped with -short")
	}
	if _, ok := natstest.RefServerPath(); !ok {
		natstest.RunReference(t, "") // skips with the reason logged
	}
	type pair struct{ ref, ours string }
	servers := map[string]pair{}
	for _, pc := range protoCases {
		p, ok := servers[pc.setup.name]
		if !ok {
			ref := natstest.RunReference(t, pc.setup.conf)
			ours := natstest.RunServer(t, pc.setup.conf) // the same config text
			p = pair{ref.ClientURL(), ours.ClientURL()}
			servers[pc.setup.name] = p
		}
		t.Run(pc.name, func(t *testing.T) {
			refOut := runTranscript(t, p.ref, pc)
			ourOut := runTranscript(t, p.ours, pc)
			t.Run("reference meets spec", func(t *testing.T) { checkTranscript(t, refOut, pc.want) })
			if pc.random {
				return
			}
			if r, o := normaliseInfo(t, refOut), normaliseInfo(t, ourOut); r != o {
				t.Fatalf("transcripts differ\n ref  %q\n ours %q", r, o)
			}
		})
	}
}
