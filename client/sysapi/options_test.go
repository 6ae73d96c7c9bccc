package sysapi

import (
	"encoding/json"
	"errors"
	"reflect"
	"testing"
)

// natscliRequests are the request bodies natscli v0.5.1 sends (spec D.3).
// Each must decode strictly into our option type and encode back to the
// same JSON, key order included: the types carry every key and tag.
var natscliRequests = []struct {
	name string
	body string
	rt   roundTripper
}{
	{"ping", `{}`, strictRoundTrip[StatszEventOptions]()},
	{"varz", `{"exact_match":true}`, strictRoundTrip[VarzEventOptions]()},
	{"connz", `{"sort":"cid","auth":true,"subscriptions":false,"subscriptions_detail":false,"offset":0,"limit":2048,"cid":0,"mqtt_client":"","state":0,"user":"","acc":"","filter_subject":"","exact_match":true}`, strictRoundTrip[ConnzEventOptions]()},
	{"routez", `{"subscriptions":false,"subscriptions_detail":false,"exact_match":true}`, strictRoundTrip[RoutezEventOptions]()},
	{"gatewayz", `{"name":"","accounts":false,"account_name":"","subscriptions":false,"subscriptions_detail":false,"exact_match":true}`, strictRoundTrip[GatewayzEventOptions]()},
	{"leafz", `{"subscriptions":false,"account":"","exact_match":true}`, strictRoundTrip[LeafzEventOptions]()},
	{"subsz", `{"offset":0,"limit":2048,"subscriptions":false,"exact_match":true}`, strictRoundTrip[SubszEventOptions]()},
	{"accountz", `{"account":"","exact_match":true}`, strictRoundTrip[AccountzEventOptions]()},
	{"jsz", `{"limit":2048,"exact_match":true}`, strictRoundTrip[JszEventOptions]()},
	{"jsz raft", `{"raft":true,"exact_match":true}`, strictRoundTrip[JszEventOptions]()},
	{"healthz", `{"details":true,"exact_match":true}`, strictRoundTrip[HealthzEventOptions]()},
	{"ipqueuesz", `{"exact_match":true,"all":true,"filter":""}`, strictRoundTrip[IpqueueszEventOptions]()},
	{"raftz", `{"exact_match":true,"account":"","group":""}`, strictRoundTrip[RaftzEventOptions]()},
	{"connz filters", `{"sort":"","auth":false,"subscriptions":false,"subscriptions_detail":false,"offset":0,"limit":0,"cid":0,"mqtt_client":"","state":0,"user":"","acc":"","filter_subject":"","server_name":"ref","cluster":"x","host":"127","exact_match":true,"tags":["a"]}`, strictRoundTrip[ConnzEventOptions]()},
	{"account statz", `{"accounts":["USERS"],"include_unused":true}`, strictRoundTrip[AccountStatzEventOptions]()},
	{"kick", `{"cid":96}`, strictRoundTrip[KickClientReq]()},
	{"ldm", `{"cid":99999}`, strictRoundTrip[LDMClientReq]()},
	{"profilez", `{"name":"heap","debug":1,"duration":1000000000}`, strictRoundTrip[ProfilezEventOptions]()},
	{"conns req", `{"server":{"name":"a","host":"h","id":"X","ver":"2.15.2","jetstream":false,"flags":0,"seq":1,"time":"2026-11-25T01:47:55Z"},"acc":"USERS"}`, strictRoundTrip[AccountNumConnsReq]()},
	{"nsubs req", `{"acc":"USERS","subject":"foo","queue":"cXVldWU="}`, strictRoundTrip[AccountNumSubsReq]()},
}

func TestNatscliRequestBodies(t *testing.T) {
	for _, tc := range natscliRequests {
		t.Run(tc.name, func(t *testing.T) {
			checkGolden(t, golden{file: tc.name, rt: tc.rt, mode: exact}, []byte(tc.body))
		})
	}
}

func TestDecodeOptionsErrorTexts(t *testing.T) {
	// Texts observed from the reference (spec §5.2, C.1); they are the
	// descriptions of 400 replies.
	tests := []struct {
		name string
		body string
		opts any
		want string
	}{
		{"varz bad json", `{bad`, &VarzEventOptions{}, "invalid character 'b' looking for beginning of object key string"},
		{"connz limit string", `{"limit":"x"}`, &ConnzEventOptions{}, "json: cannot unmarshal string into Go struct field ConnzEventOptions.ConnzOptions.limit of type int"},
		{"ping junk", `xx`, &StatszEventOptions{}, "invalid character 'x' looking for beginning of value"},
		{"whitespace only", ` `, &StatszEventOptions{}, "unexpected end of JSON input"},
		// Observed from the reference: named types carry its package name.
		{"connz state string", `{"state":"x"}`, &ConnzEventOptions{}, "json: cannot unmarshal string into Go struct field ConnzEventOptions.ConnzOptions.state of type server.ConnState"},
		{"connz sort number", `{"sort":5}`, &ConnzEventOptions{}, "json: cannot unmarshal number into Go struct field ConnzEventOptions.ConnzOptions.sort of type server.SortOpt"},
		{"healthz details string", `{"details":"x"}`, &HealthzEventOptions{}, "json: cannot unmarshal string into Go struct field HealthzEventOptions.HealthzOptions.details of type bool"},
		{"profilez duration string", `{"duration":"1s"}`, &ProfilezEventOptions{}, "json: cannot unmarshal string into Go struct field ProfilezEventOptions.ProfilezOptions.duration of type time.Duration"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := DecodeOptions([]byte(tc.body), tc.opts)
			if err == nil {
				t.Fatal("no error")
			}
			if err.Error() != tc.want {
				t.Errorf("error %q, want %q", err, tc.want)
			}
			var syntaxErr *json.SyntaxError
			var typeErr *json.UnmarshalTypeError
			if !errors.As(err, &syntaxErr) && !errors.As(err, &typeErr) && err.Error() != "unexpected end of JSON input" {
				t.Errorf("error %T does not unwrap to a JSON decoder error", err)
			}
			reply, mErr := json.Marshal(BadRequest(ServerInfo{Name: "n"}, err))
			if mErr != nil {
				t.Fatal(mErr)
			}
			var back map[string]json.RawMessage
			if err := json.Unmarshal(reply, &back); err != nil {
				t.Fatal(err)
			}
			if _, ok := back["data"]; ok {
				t.Errorf("400 reply has a data key: %s", reply)
			}
		})
	}
}

func TestDecodeOptions(t *testing.T) {
	t.Run("empty body keeps defaults", func(t *testing.T) {
		opts := ConnzEventOptions{ConnzOptions: ConnzOptions{Limit: 7}}
		if err := DecodeOptions(nil, &opts); err != nil {
			t.Fatal(err)
		}
		if opts.Limit != 7 {
			t.Errorf("limit %d, want 7", opts.Limit)
		}
	})
	t.Run("unknown keys ignored, filters flattened", func(t *testing.T) {
		var opts ConnzEventOptions
		body := `{"acc":"USERS","state":2,"zzz":1,"server_name":"a","tags":["x"],"consumers":true}`
		if err := DecodeOptions([]byte(body), &opts); err != nil {
			t.Fatal(err)
		}
		want := ConnzEventOptions{
			ConnzOptions:       ConnzOptions{Account: "USERS", State: ConnAll},
			EventFilterOptions: EventFilterOptions{Name: "a", Tags: []string{"x"}},
		}
		if !reflect.DeepEqual(opts, want) {
			t.Errorf("got %+v, want %+v", opts, want)
		}
	})
	t.Run("jsz consumer is singular", func(t *testing.T) {
		var opts JszEventOptions
		if err := DecodeOptions([]byte(`{"consumers":true}`), &opts); err != nil {
			t.Fatal(err)
		}
		if opts.Consumer {
			t.Error(`"consumers" must not set Consumer on NATS`)
		}
		if err := DecodeOptions([]byte(`{"consumer":true}`), &opts); err != nil || !opts.Consumer {
			t.Errorf(`"consumer" did not set Consumer (err %v)`, err)
		}
	})
	t.Run("healthz hyphenated keys", func(t *testing.T) {
		var opts HealthzEventOptions
		body := `{"js-enabled-only":true,"js-server-only":true,"js-meta-only":true,"js-enabled":true}`
		if err := DecodeOptions([]byte(body), &opts); err != nil {
			t.Fatal(err)
		}
		if !opts.JSEnabledOnly || !opts.JSServerOnly || !opts.JSMetaOnly || !opts.JSEnabled {
			t.Errorf("got %+v", opts.HealthzOptions)
		}
	})
}

func TestEnvelopeShapes(t *testing.T) {
	si := ServerInfo{Name: "n", ID: "I"}
	tests := []struct {
		name     string
		v        any
		wantData string // "" = absent
		wantErr  bool
	}{
		{"success", &ServerAPIResponse[HealthStatus]{Server: si, Data: &HealthStatus{Status: HealthStatusOK, StatusCode: 200}}, `{"status":"ok","status_code":200}`, false},
		{"500 keeps data null", &ConnzResponse{Server: si, Error: &APIError{Code: APIErrInternal, Description: "invalid sorting option: xyz"}}, `null`, true},
		{"kick success", &ServerAPIStatus{Server: si}, "", false},
		{"400", &ServerAPIStatus{Server: si, Error: &APIError{Code: APIErrBadRequest, Description: "x"}}, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.Marshal(tc.v)
			if err != nil {
				t.Fatal(err)
			}
			var m map[string]json.RawMessage
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			data, ok := m["data"]
			if tc.wantData == "" && ok {
				t.Errorf("data present: %s", b)
			}
			if tc.wantData != "" && string(data) != tc.wantData {
				t.Errorf("data %s, want %s", data, tc.wantData)
			}
			if _, ok := m["error"]; ok != tc.wantErr {
				t.Errorf("error present %v, want %v: %s", ok, tc.wantErr, b)
			}
		})
	}
	t.Run("400 reply decodes into a typed envelope", func(t *testing.T) {
		var r VarzResponse
		body := `{"server":{"name":"n","host":"","id":"I","ver":"","jetstream":false,"flags":0,"seq":1,"time":"2026-11-25T01:49:27Z"},"error":{"code":400,"description":"bad"}}`
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatal(err)
		}
		if r.Data != nil || r.Error == nil || r.Error.Code != 400 || r.Error.Error() != "bad" {
			t.Errorf("got %+v", r)
		}
	})
}

func TestParseConnState(t *testing.T) {
	tests := []struct {
		in      string
		want    ConnState
		wantErr string
	}{
		{"", ConnOpen, ""},
		{"open", ConnOpen, ""},
		{"CLOSED", ConnClosed, ""},
		{"Any", ConnAll, ""},
		{"all", ConnAll, ""},
		{"foo", 0, "Error decoding state for foo"},
	}
	for _, tc := range tests {
		got, err := ParseConnState(tc.in)
		if tc.wantErr != "" {
			if err == nil || err.Error() != tc.wantErr || !errors.Is(err, ErrBadConnState) {
				t.Errorf("ParseConnState(%q) error %v, want %q wrapping ErrBadConnState", tc.in, err, tc.wantErr)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseConnState(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for s, want := range map[ConnState]string{ConnOpen: "open", ConnClosed: "closed", ConnAll: "all", 9: "ConnState(9)"} {
		if s.String() != want {
			t.Errorf("%d.String() = %q, want %q", int(s), s.String(), want)
		}
	}
}

func TestSortOptIsValid(t *testing.T) {
	valid := []SortOpt{"", ByCid, ByStart, BySubs, ByPending, ByOutMsgs, ByInMsgs, ByOutBytes, ByInBytes, ByLast, ByIdle, ByUptime, ByStop, ByReason, ByRTT}
	for _, s := range valid {
		if !s.IsValid() {
			t.Errorf("%q not valid", s)
		}
	}
	for _, s := range []SortOpt{"xyz", "CID", "bytes", " cid"} {
		if s.IsValid() {
			t.Errorf("%q valid", s)
		}
	}
}
