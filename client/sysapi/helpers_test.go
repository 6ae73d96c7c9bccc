package sysapi

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

func TestIsServerID(t *testing.T) {
	tests := map[string]bool{
		"NDVD2TTF63AXDLUSHHCQCL5CVHJEYCSM4A3NIL3AMRNOMUT5JNXMZIMN":  true,
		"NDVD2TTF63AXDLUSHHCQCL5CVHJEYCSM4A3NIL3AMRNOMUT5JNXMZIMn":  false,
		"NDVD2TTF63AXDLUSHHCQCL5CVHJEYCSM4A3NIL3AMRNOMUT5JNXMZIM":   false,
		"NDVD2TTF63AXDLUSHHCQCL5CVHJEYCSM4A3NIL3AMRNOMUT5JNXMZIMNN": false,
		"ref-a": false,
		"":      false,
	}
	for in, want := range tests {
		if got := IsServerID(in); got != want {
			t.Errorf("IsServerID(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestServerInfoJetStreamEnabled(t *testing.T) {
	tests := []struct {
		si   ServerInfo
		want bool
	}{
		{ServerInfo{}, false},
		{ServerInfo{JetStream: true}, true},
		{ServerInfo{Flags: CapJetStream | CapBinaryStreamSnapshot | CapAccountNRG}, true},
		{ServerInfo{Flags: CapBinaryStreamSnapshot}, false},
	}
	for _, tc := range tests {
		if got := tc.si.JetStreamEnabled(); got != tc.want {
			t.Errorf("%+v: got %v", tc.si, got)
		}
	}
	if CapJetStream|CapBinaryStreamSnapshot|CapAccountNRG != 7 {
		t.Error("capability bits must add up to 7")
	}
}

func TestSamplingRateJSON(t *testing.T) {
	for in, want := range map[string]SamplingRate{`"headers"`: SamplingHeaders, `"HEADERS"`: SamplingHeaders, `50`: 50} {
		var r SamplingRate
		if err := json.Unmarshal([]byte(in), &r); err != nil || r != want {
			t.Errorf("unmarshal %s = %v, %v; want %v", in, r, err, want)
		}
	}
	for _, in := range []string{`"often"`, `true`, `1.5`} {
		var r SamplingRate
		if err := json.Unmarshal([]byte(in), &r); !errors.Is(err, ErrBadSamplingRate) {
			t.Errorf("unmarshal %s error %v, want ErrBadSamplingRate", in, err)
		}
	}
	b, err := json.Marshal(ExportLatency{Sampling: SamplingHeaders, Results: "lat"})
	if err != nil || string(b) != `{"sampling":"headers","results":"lat"}` {
		t.Errorf("marshal = %s, %v", b, err)
	}
	b, err = json.Marshal(ExportLatency{Sampling: 25, Results: "lat"})
	if err != nil || string(b) != `{"sampling":25,"results":"lat"}` {
		t.Errorf("marshal = %s, %v", b, err)
	}
}

func TestCloseReasons(t *testing.T) {
	reasons := CloseReasons()
	seen := map[string]bool{}
	for _, r := range reasons {
		if seen[r] {
			t.Errorf("duplicate reason %q", r)
		}
		seen[r] = true
	}
	// The reasons the protocol spec (§6.3) captured from the reference.
	for _, r := range []string{"Client Closed", "Protocol Violation", "Authentication Failure",
		"Authentication Timeout", "Maximum Message Payload Exceeded", "Maximum Control Line Exceeded",
		"Maximum Connections Exceeded", "Stale Connection", "No Responders Requires Headers",
		"Bad Client Protocol Version", "Read Error", "Kicked", "Unknown State"} {
		if !seen[r] {
			t.Errorf("missing reason %q", r)
		}
	}
	if len(reasons) != 38 {
		t.Errorf("%d reasons, want 38", len(reasons))
	}
}

func TestSubjectHelpers(t *testing.T) {
	id := "NDVD2TTF63AXDLUSHHCQCL5CVHJEYCSM4A3NIL3AMRNOMUT5JNXMZIMN"
	tests := []struct{ got, want string }{
		{ServerPingSubject(EndpointConnz), "$SYS.REQ.SERVER.PING.CONNZ"},
		{ServerPingSubject(EndpointStatsz), "$SYS.REQ.SERVER.PING.STATSZ"},
		{ServerPingSubject(EndpointJsz), "$SYS.REQ.SERVER.PING.JSZ"},
		{ServerPingSubject(EndpointHealthz), "$SYS.REQ.SERVER.PING.HEALTHZ"},
		{ServerDirectSubject(id, EndpointVarz), "$SYS.REQ.SERVER." + id + ".VARZ"},
		{ServerDirectSubject(id, EndpointKick), "$SYS.REQ.SERVER." + id + ".KICK"},
		{ServerDirectSubject(id, EndpointIdz), "$SYS.REQ.SERVER." + id + ".IDZ"},
		{ServerDirectSubject(id, EndpointReload), "$SYS.REQ.SERVER." + id + ".RELOAD"},
		{AccountSubject("USERS", EndpointInfo), "$SYS.REQ.ACCOUNT.USERS.INFO"},
		{AccountSubject("PING", EndpointStatz), "$SYS.REQ.ACCOUNT.PING.STATZ"},
		{AccountSubject("USERS", EndpointConns), "$SYS.REQ.ACCOUNT.USERS.CONNS"},
		{AccountSubject("$G", EndpointConnz), "$SYS.REQ.ACCOUNT.$G.CONNZ"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	for _, subj := range []string{ConnectEventSubj, DisconnectEventSubj, AccConnsEventSubjOld, AccConnsEventSubjNew,
		AuthErrorEventSubj, ServerStatsSubj, ShutdownEventSubj, LameDuckEventSubj, UserDirectReqSubj} {
		if strings.Count(subj, "%s") != 1 || !strings.HasPrefix(subj, "$SYS.") {
			t.Errorf("bad template %q", subj)
		}
	}
}
