package sysapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// roundTripper strictly decodes a payload into one type and encodes it again.
type roundTripper func(data []byte) ([]byte, error)

// strictRoundTrip decodes data into a T with unknown fields rejected (so a
// field missing from T fails) and re-encodes it with encoding/json.
func strictRoundTrip[T any]() roundTripper {
	return func(data []byte) ([]byte, error) {
		var v T
		if err := decodeStrict(data, &v); err != nil {
			return nil, err
		}
		return json.Marshal(&v)
	}
}

func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("strict decode into %T: %w", v, err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return fmt.Errorf("strict decode into %T: trailing data", v)
	}
	return nil
}

// golden describes one capture file and how it must survive a round trip.
type golden struct {
	file  string
	rt    roundTripper
	mode  compareMode
	elide bool // the capture elides timestamps as "…"; substitute a time
}

// elidedTime replaces timestamp strings the spec elided as "…".
const elidedTime = `"2026-11-25T17:29:35.705342779Z"`

// checkGolden round-trips one capture and compares the result.
func checkGolden(t *testing.T, g golden, data []byte) {
	t.Helper()
	if g.elide {
		data = bytes.ReplaceAll(data, []byte(`"…"`), []byte(elidedTime))
	}
	want, err := parseJSON(data)
	if err != nil {
		t.Fatalf("capture is not JSON: %v", err)
	}
	enc, err := g.rt(data)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	got, err := parseJSON(enc)
	if err != nil {
		t.Fatalf("our encoding is not JSON: %v", err)
	}
	if d := diffJSON(want, got, g.mode); d != "" {
		t.Errorf("round trip differs: %s\nencoded: %.2000s", d, enc)
	}
	// A second round trip of our own encoding must be a fixed point.
	enc2, err := g.rt(enc)
	if err != nil {
		t.Fatalf("decode of our encoding: %v", err)
	}
	if !bytes.Equal(enc, enc2) {
		t.Errorf("encoding is not stable:\n1: %s\n2: %s", enc, enc2)
	}
}

// specGoldens lists every capture of the specification that is valid JSON,
// copied verbatim into testdata/spec. Captures the spec marks as trimmed are
// compared as subsets.
var specGoldens = []golden{
	{"A01_connect", strictRoundTrip[ConnectEventMsg](), exact, false},
	{"A02_disconnect", strictRoundTrip[DisconnectEventMsg](), exact, false},
	{"A03_disconnect_kicked", strictRoundTrip[DisconnectEventMsg](), subset, false},
	{"A04_conns_old", strictRoundTrip[AccountNumConns](), exact, false},
	{"A05_conns_new", strictRoundTrip[AccountNumConns](), subset, false},
	{"A06_auth_err", strictRoundTrip[DisconnectEventMsg](), exact, false},
	{"A07_disconnect_auth_failure", strictRoundTrip[DisconnectEventMsg](), subset, false},
	{"A08_account_auth_err", strictRoundTrip[DisconnectEventMsg](), exact, false},
	{"A09_disconnect_auth_timeout", strictRoundTrip[DisconnectEventMsg](), subset, false},
	{"A10_connect_leafnode", strictRoundTrip[ConnectEventMsg](), exact, false},
	{"A11_conns_leafnode", strictRoundTrip[AccountNumConns](), subset, false},
	{"A12_disconnect_leafnode", strictRoundTrip[DisconnectEventMsg](), subset, false},
	{"A13_leafnode_connect", strictRoundTrip[AccountNumConnsReq](), exact, false},
	{"A14_statsz", strictRoundTrip[ServerStatsMsg](), exact, false},
	{"A14b_statsz_jetstream", strictRoundTrip[ServerStatsMsg](), exact, false},
	{"A15_shutdown", strictRoundTrip[ServerInfo](), exact, false},
	{"A16_lameduck", strictRoundTrip[ServerInfo](), exact, false},
	{"B01_ping", strictRoundTrip[ServerStatsMsg](), exact, false},
	{"B02a_ping_cluster", strictRoundTrip[ServerStatsMsg](), exact, false},
	{"B02b_ping_cluster", strictRoundTrip[ServerStatsMsg](), subset, false},
	{"B03_idz", strictRoundTrip[ServerID](), exact, false},
	{"B04_varz", strictRoundTrip[VarzResponse](), exact, false},
	{"B04b_varz_gateway_leaf", strictRoundTrip[Varz](), subset, false},
	{"B05_connz", strictRoundTrip[ConnzResponse](), exact, false},
	{"B06_connz_auth_subs", strictRoundTrip[ConnzResponse](), exact, false},
	{"B07_connz_subs_detail", strictRoundTrip[ConnzResponse](), exact, false},
	{"B08_routez", strictRoundTrip[RoutezResponse](), exact, false},
	{"B09_gatewayz_none", strictRoundTrip[GatewayzResponse](), exact, false},
	{"B10_gatewayz_accounts", strictRoundTrip[GatewayzResponse](), exact, false},
	{"B11_leafz_subs", strictRoundTrip[LeafzResponse](), exact, false},
	{"B12_subsz", strictRoundTrip[SubszResponse](), exact, false},
	{"B13_subsz_list", strictRoundTrip[SubszResponse](), exact, false},
	{"B14_jsz_disabled", strictRoundTrip[JszResponse](), exact, false},
	{"B15_jsz", strictRoundTrip[JszResponse](), exact, false},
	{"B16_accountz", strictRoundTrip[AccountzResponse](), exact, false},
	{"B17_healthz", strictRoundTrip[HealthzResponse](), exact, false},
	{"B18_healthz_details", strictRoundTrip[HealthzResponse](), exact, false},
	{"B19_account_connz", strictRoundTrip[ConnzResponse](), exact, false},
	{"B20_account_leafz", strictRoundTrip[LeafzResponse](), exact, false},
	{"B21_account_subsz", strictRoundTrip[SubszResponse](), exact, false},
	{"B22_account_jsz_disabled", strictRoundTrip[AccountJszResponse](), exact, false},
	{"B23_account_jsz", strictRoundTrip[AccountJszResponse](), exact, false},
	{"B24_account_info", strictRoundTrip[AccountInfoResponse](), exact, false},
	{"B25_account_info_sys", strictRoundTrip[AccountInfoResponse](), exact, false},
	{"B26_account_statz", strictRoundTrip[AccountStatzResponse](), exact, false},
	{"B27_account_conns", strictRoundTrip[AccountNumConns](), subset, false},
	{"B28_account_ping_statz", strictRoundTrip[AccountStatzResponse](), exact, false},
	{"B29_account_ping_connz_quirk", strictRoundTrip[ConnzResponse](), exact, false},
	{"B30_account_ping_statz_import", strictRoundTrip[AccountStatzResponse](), exact, false},
	{"B31_user_info", strictRoundTrip[UserInfoResponse](), exact, false},
	{"B32_user_info_admin", strictRoundTrip[UserInfoResponse](), exact, false},
	{"B33_expvarz", strictRoundTrip[ExpvarzResponse](), exact, false},
	{"B34_ipqueuesz", strictRoundTrip[IpqueueszResponse](), exact, false},
	{"B35_raftz", strictRoundTrip[RaftzResponse](), exact, false},
	{"C3_http_healthz_ok", strictRoundTrip[HealthStatus](), exact, false},
	{"C3_http_healthz_stream_no_account", strictRoundTrip[HealthStatus](), exact, false},
	{"C3_http_ipqueuesz", strictRoundTrip[IpqueueszStatus](), exact, false},
	{"D6_idz", strictRoundTrip[ServerID](), exact, false},
	{"JS72_jsz", strictRoundTrip[JszResponse](), exact, false},
	{"JS73_account_jsz_consumers", strictRoundTrip[AccountJszResponse](), exact, false},
	{"JS74_http_jsz_details", strictRoundTrip[JSInfo](), exact, false},
	{"JS75_varz_jetstream", strictRoundTrip[JetStreamVarz](), exact, false},
	{"CL46_leafz", strictRoundTrip[Leafz](), exact, true},
	{"CL5_routez", strictRoundTrip[Routez](), exact, true},
}

// refGoldens lists payloads captured from the reference nats-server v2.15.2
// (standalone, JetStream on, one stream and consumer) for cases the spec
// only shows elided, into testdata/ref.
var refGoldens = []golden{
	{"nats_ping", strictRoundTrip[ServerStatsMsg](), exact, false},
	{"nats_ping_bad_body", strictRoundTrip[ServerAPIStatus](), exact, false},
	{"nats_idz", strictRoundTrip[ServerID](), exact, false},
	{"nats_varz", strictRoundTrip[VarzResponse](), exact, false},
	{"nats_varz_bad_body", strictRoundTrip[ServerAPIStatus](), exact, false},
	{"nats_connz_detail", strictRoundTrip[ConnzResponse](), exact, false},
	{"nats_connz_closed", strictRoundTrip[ConnzResponse](), exact, false},
	{"nats_connz_bad_sort", strictRoundTrip[ConnzResponse](), exact, false},
	{"nats_connz_bad_limit", strictRoundTrip[ServerAPIStatus](), exact, false},
	{"nats_routez", strictRoundTrip[RoutezResponse](), exact, false},
	{"nats_gatewayz", strictRoundTrip[GatewayzResponse](), exact, false},
	{"nats_leafz", strictRoundTrip[LeafzResponse](), exact, false},
	{"nats_subsz", strictRoundTrip[SubszResponse](), exact, false},
	{"nats_subsz_bad_test", strictRoundTrip[SubszResponse](), exact, false},
	{"nats_jsz_full", strictRoundTrip[JszResponse](), exact, false},
	{"nats_account_jsz", strictRoundTrip[AccountJszResponse](), exact, false},
	{"nats_account_jsz_sys", strictRoundTrip[AccountJszResponse](), exact, false},
	{"nats_accountz", strictRoundTrip[AccountzResponse](), exact, false},
	{"nats_accountz_detail", strictRoundTrip[AccountzResponse](), exact, false},
	{"nats_accountz_nope", strictRoundTrip[AccountzResponse](), exact, false},
	{"nats_healthz_details", strictRoundTrip[HealthzResponse](), exact, false},
	{"nats_healthz_bad_request", strictRoundTrip[HealthzResponse](), exact, false},
	{"nats_account_info_users", strictRoundTrip[AccountInfoResponse](), exact, false},
	{"nats_account_info_nope", strictRoundTrip[AccountInfoResponse](), exact, false},
	{"nats_account_statz", strictRoundTrip[AccountStatzResponse](), exact, false},
	{"nats_account_conns", strictRoundTrip[AccountNumConns](), exact, false},
	{"nats_account_connz_nope", strictRoundTrip[ConnzResponse](), exact, false},
	{"nats_user_info", strictRoundTrip[UserInfoResponse](), exact, false},
	{"nats_kick_unknown", strictRoundTrip[ServerAPIStatus](), exact, false},
	{"nats_ldm_unknown", strictRoundTrip[ServerAPIStatus](), exact, false},
	{"nats_reload", strictRoundTrip[ServerAPIStatus](), exact, false},
	{"nats_profilez", strictRoundTrip[ProfilezResponse](), exact, false},
	{"nats_expvarz", strictRoundTrip[ExpvarzResponse](), exact, false},
	{"nats_ipqueuesz", strictRoundTrip[IpqueueszResponse](), exact, false},
	{"nats_raftz", strictRoundTrip[RaftzResponse](), exact, false},
	{"nats_claims_update_junk", strictRoundTrip[ServerAPIClaimUpdateResponse](), exact, false},
	{"http_varz", strictRoundTrip[Varz](), exact, false},
	{"http_connz_subs_detail_auth_1", strictRoundTrip[Connz](), exact, false},
	{"http_connz_state_closed_auth_true_subs_1", strictRoundTrip[Connz](), exact, false},
	{"http_subsz_subs_1", strictRoundTrip[Subsz](), exact, false},
	{"http_accountz", strictRoundTrip[Accountz](), exact, false},
	{"http_accountz_acc_SYS", strictRoundTrip[Accountz](), exact, false},
	{"http_accstatz_unused_1", strictRoundTrip[AccountStatz](), exact, false},
	{"http_jsz_accounts_true_streams_true_consumers_true_config_true", strictRoundTrip[JSInfo](), exact, false},
	{"http_healthz", strictRoundTrip[HealthStatus](), exact, false},
	{"http_routez", strictRoundTrip[Routez](), exact, false},
	{"http_gatewayz_accs_1", strictRoundTrip[Gatewayz](), exact, false},
	{"http_leafz_subs_1", strictRoundTrip[Leafz](), exact, false},
}

func TestGoldenSpecCaptures(t *testing.T) {
	runGoldens(t, "testdata/spec", specGoldens)
}

func TestGoldenReferenceCaptures(t *testing.T) {
	runGoldens(t, "testdata/ref", refGoldens)
}

func runGoldens(t *testing.T, dir string, table []golden) {
	t.Helper()
	listed := map[string]bool{}
	for _, g := range table {
		listed[g.file+".json"] = true
		t.Run(g.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, g.file+".json"))
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, g, data)
		})
	}
	// Every capture in the folder must be covered by the table.
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	var unlisted []string
	for _, f := range files {
		if !listed[filepath.Base(f)] {
			unlisted = append(unlisted, filepath.Base(f))
		}
	}
	sort.Strings(unlisted)
	if len(unlisted) > 0 {
		t.Errorf("captures without a table entry: %s", strings.Join(unlisted, ", "))
	}
}

// TestEventTypesAndSubjects checks the type and subject constants against
// the spec's captures and their subject annotations.
func TestEventTypesAndSubjects(t *testing.T) {
	types := []struct{ file, want string }{
		{"A01_connect", ConnectEventMsgType},
		{"A02_disconnect", DisconnectEventMsgType},
		{"A04_conns_old", AccountNumConnsMsgType},
		{"A06_auth_err", DisconnectEventMsgType},
		{"A08_account_auth_err", DisconnectEventMsgType},
		{"B27_account_conns", AccountNumConnsMsgType},
	}
	for _, tc := range types {
		data, err := os.ReadFile(filepath.Join("testdata/spec", tc.file+".json"))
		if err != nil {
			t.Fatal(err)
		}
		var ev TypedEvent
		if err := json.Unmarshal(data, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.Type != tc.want {
			t.Errorf("%s: type %q, want %q", tc.file, ev.Type, tc.want)
		}
	}
	id := "NDVD2TTF63AXDLUSHHCQCL5CVHJEYCSM4A3NIL3AMRNOMUT5JNXMZIMN"
	subjects := []struct{ got, want string }{
		{fmt.Sprintf(ConnectEventSubj, "USERS"), "$SYS.ACCOUNT.USERS.CONNECT"},
		{fmt.Sprintf(DisconnectEventSubj, "$G"), "$SYS.ACCOUNT.$G.DISCONNECT"},
		{fmt.Sprintf(AccConnsEventSubjOld, "USERS"), "$SYS.SERVER.ACCOUNT.USERS.CONNS"},
		{fmt.Sprintf(AccConnsEventSubjNew, "USERS"), "$SYS.ACCOUNT.USERS.SERVER.CONNS"},
		{fmt.Sprintf(AuthErrorEventSubj, id), "$SYS.SERVER." + id + ".CLIENT.AUTH.ERR"},
		{AuthErrorAccountEventSubj, "$SYS.ACCOUNT.CLIENT.AUTH.ERR"},
		{fmt.Sprintf(LeafNodeConnectEventSubj, "USERS"), "$SYS.ACCOUNT.USERS.LEAFNODE.CONNECT"},
		{fmt.Sprintf(ServerStatsSubj, id), "$SYS.SERVER." + id + ".STATSZ"},
		{fmt.Sprintf(ShutdownEventSubj, id), "$SYS.SERVER." + id + ".SHUTDOWN"},
		{fmt.Sprintf(LameDuckEventSubj, id), "$SYS.SERVER." + id + ".LAMEDUCK"},
		{fmt.Sprintf(UserDirectReqSubj, "USERS"), "$SYS.REQ.USER.USERS.INFO"},
		{fmt.Sprintf(AccPingReqSubj, EndpointStatz), "$SYS.REQ.ACCOUNT.PING.STATZ"},
	}
	for _, tc := range subjects {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
}
