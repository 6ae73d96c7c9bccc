package sysapi

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// optionDecoders are the request bodies a server decodes, indexed by the
// fuzzer's kind byte.
var optionDecoders = []func() any{
	func() any { return new(StatszEventOptions) },
	func() any { return new(VarzEventOptions) },
	func() any { return new(ConnzEventOptions) },
	func() any { return new(RoutezEventOptions) },
	func() any { return new(GatewayzEventOptions) },
	func() any { return new(LeafzEventOptions) },
	func() any { return new(SubszEventOptions) },
	func() any { return new(JszEventOptions) },
	func() any { return new(AccountzEventOptions) },
	func() any { return new(AccountStatzEventOptions) },
	func() any { return new(HealthzEventOptions) },
	func() any { return new(ProfilezEventOptions) },
	func() any { return new(ExpvarzEventOptions) },
	func() any { return new(IpqueueszEventOptions) },
	func() any { return new(RaftzEventOptions) },
	func() any { return new(AccInfoEventOptions) },
	func() any { return new(KickClientReq) },
	func() any { return new(LDMClientReq) },
	func() any { return new(AccountNumConnsReq) },
	func() any { return new(AccountNumSubsReq) },
}

// FuzzEventOptions decodes arbitrary bodies into every request option type.
// Whatever decodes must encode, and the encoding must be a fixed point of
// decode+encode (no value is lost or invented by a round trip). The seed
// corpus in testdata/fuzz/FuzzEventOptions pairs real request bodies with
// their option type.
func FuzzEventOptions(f *testing.F) {
	f.Fuzz(func(t *testing.T, kind uint8, body []byte) {
		newOpts := optionDecoders[int(kind)%len(optionDecoders)]
		opts := newOpts()
		if err := DecodeOptions(body, opts); err != nil {
			if len(body) == 0 {
				t.Fatalf("empty body rejected: %v", err)
			}
			return
		}
		enc1, err := json.Marshal(opts)
		if err != nil {
			t.Fatalf("encode %T: %v", opts, err)
		}
		again := newOpts()
		if err := decodeStrict(enc1, again); err != nil {
			t.Fatalf("our encoding does not decode strictly: %v\n%s", err, enc1)
		}
		enc2, err := json.Marshal(again)
		if err != nil {
			t.Fatalf("encode %T: %v", again, err)
		}
		if !bytes.Equal(enc1, enc2) {
			t.Fatalf("round trip changed %T:\n1: %s\n2: %s", opts, enc1, enc2)
		}
	})
}

// FuzzUptime checks that ParseUptime accepts everything FormatUptime
// produces and inverts it, and that parsed values format and parse back to
// the same duration.
func FuzzUptime(f *testing.F) {
	for _, s := range []string{"0s", "6s", "1m31s", "3h2m1s", "4d3h2m1s", "1y10d0h0m5s", "90s", "x", ""} {
		f.Add(s, int64(0))
	}
	f.Add("", int64(uptimeYear+time.Second))
	f.Fuzz(func(t *testing.T, s string, n int64) {
		d := time.Duration(n)
		text := FormatUptime(d)
		back, err := ParseUptime(text)
		if err != nil {
			t.Fatalf("ParseUptime(FormatUptime(%d) = %q): %v", n, text, err)
		}
		want := max(d, 0).Truncate(time.Second)
		if back != want {
			t.Fatalf("ParseUptime(%q) = %v, want %v", text, back, want)
		}
		parsed, err := ParseUptime(s)
		if err != nil {
			return
		}
		if parsed < 0 {
			t.Fatalf("ParseUptime(%q) = %v, negative", s, parsed)
		}
		if again, err := ParseUptime(FormatUptime(parsed)); err != nil || again != parsed {
			t.Fatalf("ParseUptime(%q) = %v, but its canonical form gives %v, %v", s, parsed, again, err)
		}
	})
}
