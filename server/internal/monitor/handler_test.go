package monitor

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/natsys/natsys/client/sysapi"
)

// get runs one request through h and returns the recorded response.
func get(t *testing.T, h http.Handler, method, target string) *httptest.ResponseRecorder {
	t.Helper()
	w := httptest.NewRecorder()
	h.ServeHTTP(w, httptest.NewRequest(method, target, nil))
	return w
}

const (
	ctJSON = "application/json"
	ctText = "text/plain; charset=utf-8"
	ctHTML = "text/html; charset=utf-8"
)

// handlerErrorCases are requests answered with 400 and their exact bodies
// (all observed on the reference; TestReferenceErrors replays them).
var handlerErrorCases = []struct {
	target string
	body   string
}{
	{"/connz?sort=bad", "invalid sorting option: bad"},
	{"/connz?sort=CID", "invalid sorting option: CID"},
	{"/connz?state=closed&sort=bad", "invalid sorting option: bad"},
	{"/connz?limit=x", `Error decoding int for 'limit': strconv.Atoi: parsing "x": invalid syntax`},
	{"/connz?limit=+5", `Error decoding int for 'limit': strconv.Atoi: parsing " 5": invalid syntax`},
	{"/connz?limit=%20", `Error decoding int for 'limit': strconv.Atoi: parsing " ": invalid syntax`},
	{"/connz?limit=99999999999999999999", `Error decoding int for 'limit': strconv.Atoi: parsing "99999999999999999999": value out of range`},
	{"/connz?limit=x&limit=1", `Error decoding int for 'limit': strconv.Atoi: parsing "x": invalid syntax`},
	{"/connz?offset=x", `Error decoding int for 'offset': strconv.Atoi: parsing "x": invalid syntax`},
	{"/connz?subs=maybe", `Error decoding boolean for 'subs': strconv.ParseBool: parsing "maybe": invalid syntax`},
	{"/connz?auth=x", `Error decoding boolean for 'auth': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/connz?cid=x", `Error decoding uint64 for 'cid': strconv.ParseUint: parsing "x": invalid syntax`},
	{"/connz?cid=-1", `Error decoding uint64 for 'cid': strconv.ParseUint: parsing "-1": invalid syntax`},
	{"/connz?state=foo", "Error decoding state for foo"},
	{"/connz?sort=stop", "sort by stop only valid on closed connections"},
	{"/connz?sort=stop&state=any", "sort by stop only valid on closed connections"},
	{"/connz?sort=reason", "sort by reason only valid on closed connections"},
	// The first bad parameter in the reference's decoding order wins.
	{"/connz?sort=bad&limit=x", `Error decoding int for 'limit': strconv.Atoi: parsing "x": invalid syntax`},
	{"/connz?auth=x&subs=x", `Error decoding boolean for 'auth': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/connz?offset=x&subs=x", `Error decoding boolean for 'subs': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/connz?offset=x&limit=x", `Error decoding int for 'offset': strconv.Atoi: parsing "x": invalid syntax`},
	{"/connz?limit=x&cid=x", `Error decoding int for 'limit': strconv.Atoi: parsing "x": invalid syntax`},
	{"/connz?cid=x&state=foo", `Error decoding uint64 for 'cid': strconv.ParseUint: parsing "x": invalid syntax`},
	{"/connz?state=foo&sort=bad", "Error decoding state for foo"},
	{"/accountz?acc=NOPE", "Account NOPE does not exist"},
	{"/subsz?test=foo.*", "invalid test subject, must be valid publish subject: foo.*"},
	{"/subsz?test=foo..bar", "invalid test subject, must be valid publish subject: foo..bar"},
	{"/subsz?subs=detail", `Error decoding boolean for 'subs': strconv.ParseBool: parsing "detail": invalid syntax`},
	{"/subsz?subs=x&offset=x", `Error decoding boolean for 'subs': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/subsz?offset=x&limit=x", `Error decoding int for 'offset': strconv.Atoi: parsing "x": invalid syntax`},
	{"/subsz?limit=x&test=a.*", `Error decoding int for 'limit': strconv.Atoi: parsing "x": invalid syntax`},
	{"/subscriptionsz?limit=x", `Error decoding int for 'limit': strconv.Atoi: parsing "x": invalid syntax`},
	{"/accstatz?unused=x", `Error decoding boolean for 'unused': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/leafz?subs=detail", `Error decoding boolean for 'subs': strconv.ParseBool: parsing "detail": invalid syntax`},
	{"/routez?subs=x", `Error decoding boolean for 'subs': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/gatewayz?accs=x", `Error decoding boolean for 'accs': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/gatewayz?subs=x&accs=x", `Error decoding boolean for 'subs': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/jsz?leader-only=1", "filtered response: not leader"},
	{"/jsz?accounts=x&limit=x", `Error decoding boolean for 'accounts': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/jsz?streams=x&accounts=x", `Error decoding boolean for 'accounts': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/jsz?consumers=x&streams=x", `Error decoding boolean for 'streams': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/jsz?config=x&direct-consumers=x", `Error decoding boolean for 'direct-consumers': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/jsz?consumers=x&direct-consumers=x", `Error decoding boolean for 'consumers': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/jsz?offset=x&config=x", `Error decoding boolean for 'config': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/jsz?offset=x&limit=x", `Error decoding int for 'offset': strconv.Atoi: parsing "x": invalid syntax`},
	{"/jsz?limit=x&leader-only=x", `Error decoding int for 'limit': strconv.Atoi: parsing "x": invalid syntax`},
	{"/jsz?raft=x&leader-only=x", `Error decoding boolean for 'leader-only': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/jsz?raft=x&stream-leader-only=x", `Error decoding boolean for 'raft': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/healthz?details=x", `Error decoding boolean for 'details': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/healthz?js-enabled=x&js-enabled-only=x", `Error decoding boolean for 'js-enabled': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/healthz?js-server-only=x&js-enabled-only=x", `Error decoding boolean for 'js-enabled-only': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/healthz?js-meta-only=x&js-server-only=x", `Error decoding boolean for 'js-server-only': strconv.ParseBool: parsing "x": invalid syntax`},
	{"/healthz?details=x&js-meta-only=x", `Error decoding boolean for 'js-meta-only': strconv.ParseBool: parsing "x": invalid syntax`},
}

func TestHandlerErrors(t *testing.T) {
	h := NewHandler(newFake(), "")
	for _, tc := range handlerErrorCases {
		w := get(t, h, http.MethodGet, tc.target)
		if w.Code != http.StatusBadRequest || w.Body.String() != tc.body {
			t.Errorf("%s: %d %q\nwant 400 %q", tc.target, w.Code, w.Body.String(), tc.body)
		}
		if ct := w.Header().Get("Content-Type"); ct != ctText {
			t.Errorf("%s: Content-Type %q", tc.target, ct)
		}
		if cors := w.Header().Get("Access-Control-Allow-Origin"); cors != "" {
			t.Errorf("%s: CORS header on an error: %q", tc.target, cors)
		}
	}
}

func TestHandlerSuccess(t *testing.T) {
	tests := []struct {
		target   string
		contains []string
	}{
		{"/varz", []string{`"server_id": "` + fakeServerID + `"`, `"uptime": "1m30s"`}},
		{"/connz", []string{`"num_connections": 4`, `"limit": 1024`}},
		{"/connz?subs=detail&auth=1", []string{`"subscriptions_list_detail": [`, `"qgroup": "q1"`, `"authorized_user": "a"`}},
		{"/connz?subs=DETAIL", []string{`"subscriptions_list_detail": [`}},
		{"/connz?subs=1", []string{`"subscriptions_list": [`, `"foo.\u003e"`}},
		{"/connz?subs=&auth=&limit=&state=&sort=", []string{`"num_connections": 4`}},
		{"/connz?limit=1&limit=x", []string{`"limit": 1`, `"num_connections": 1`}},
		{"/connz?state=ALL&sort=idle", []string{`"total": 7`}},
		{"/connz?state=closed&sort=stop", []string{`"total": 3`, `"reason": "Authentication Timeout"`}},
		{"/connz?acc=NOPE", []string{`"server_id": ""`, `"connections": null`}},
		{"/connz?cid=2&user=b&mqtt_client=mq1", []string{`"num_connections": 1`, `"cid": 2`}},
		{"/routez?subs=detail", []string{`"routes": []`}},
		{"/gatewayz?subs=detail&accs=1&gw_name=x&acc_name=y", []string{`"outbound_gateways": {}`}},
		{"/leafz?subs=1&acc=USERS", []string{`"leafnodes": 1`, `"$LDS.x"`}},
		{"/subsz?subs=1&test=foo.bar", []string{`"total": 2`, `"account_tag": "SYS"`}},
		{"/subsz?test=foo%20bar", []string{`"total": 0`}},
		{"/subscriptionsz", []string{`"num_subscriptions": 66`}},
		{"/accountz", []string{`"accounts": [`, `"$G"`}},
		{"/accountz?acc=USERS", []string{`"account_detail": {`, `"sublist_stats": {`}},
		{"/accstatz", []string{`"acc": "SYS"`}},
		{"/accstatz?unused=1", []string{`"acc": "$G"`}},
		{"/jsz?acc=USERS&accounts=1&consumers=t", []string{`"disabled": true`}},
		{"/ipqueuesz", []string{`{}`}},
	}
	h := NewHandler(newFake(), "")
	for _, tc := range tests {
		w := get(t, h, http.MethodGet, tc.target)
		body := w.Body.String()
		if w.Code != http.StatusOK || w.Header().Get("Content-Type") != ctJSON || w.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: %d %v\n%s", tc.target, w.Code, w.Header(), body)
			continue
		}
		for _, want := range tc.contains {
			if !strings.Contains(body, want) {
				t.Errorf("%s: body lacks %s:\n%s", tc.target, want, body)
			}
		}
		if !strings.HasPrefix(body, "{\n  \"") && body != "{}" {
			t.Errorf("%s: not indented with two spaces: %.40q", tc.target, body)
		}
		if strings.HasSuffix(body, "\n") {
			t.Errorf("%s: trailing newline", tc.target)
		}
		var v any
		if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
			t.Errorf("%s: invalid JSON: %v", tc.target, err)
		}
	}
}

func TestHandlerHealthz(t *testing.T) {
	tests := []struct {
		target string
		ready  error
		code   int
		body   string
	}{
		{"/healthz", nil, 200, `{"status":"ok"}`},
		{"/healthz?js-enabled-only=true&account=USERS", nil, 200, `{"status":"ok"}`},
		{"/healthz?stream=x", nil, 400, `{"status":"error","error":"\"account\" must not be empty when checking stream health"}`},
		{"/healthz?account=A&consumer=c", nil, 400, `{"status":"error","error":"\"stream\" must not be empty when checking consumer health"}`},
		{"/healthz?details=1&stream=x", nil, 400, `{"status":"error","errors":[{"type":"BAD_REQUEST","error":"\"account\" must not be empty when checking stream health"}]}`},
		{"/healthz", errors.New("not ready"), 500, `{"status":"error","error":"not ready"}`},
	}
	for _, tc := range tests {
		f := newFake()
		f.ready = tc.ready
		w := get(t, NewHandler(f, ""), http.MethodGet, tc.target)
		if w.Code != tc.code || w.Body.String() != tc.body || w.Header().Get("Content-Type") != ctJSON ||
			w.Header().Get("Access-Control-Allow-Origin") != "*" {
			t.Errorf("%s: %d %s %v\nwant %d %s", tc.target, w.Code, w.Body, w.Header(), tc.code, tc.body)
		}
	}
}

func TestHandlerOtherPaths(t *testing.T) {
	h := NewHandler(newFake(), "")
	tests := []struct {
		method, target string
		code           int
		ctype, body    string
	}{
		{http.MethodGet, "/nope", 404, ctText, "404 page not found\n"},
		{http.MethodGet, "/varz/", 404, ctText, "404 page not found\n"},
		{http.MethodGet, "/VARZ", 404, ctText, "404 page not found\n"},
		{http.MethodGet, "/raftz", 404, ctText, "No Raft nodes registered"},
		{http.MethodPost, "/healthz", 200, ctJSON, `{"status":"ok"}`},
		{http.MethodDelete, "/accountz?acc=NOPE", 400, ctText, "Account NOPE does not exist"},
	}
	for _, tc := range tests {
		w := get(t, h, tc.method, tc.target)
		if w.Code != tc.code || w.Header().Get("Content-Type") != tc.ctype || w.Body.String() != tc.body {
			t.Errorf("%s %s: %d %q %q", tc.method, tc.target, w.Code, w.Header().Get("Content-Type"), w.Body.String())
		}
	}
	w := get(t, h, http.MethodGet, "/")
	if w.Code != 200 || w.Header().Get("Content-Type") != ctHTML || !strings.Contains(w.Body.String(), `href="/connz"`) {
		t.Errorf("index: %d %v %s", w.Code, w.Header(), w.Body)
	}
	if w := get(t, h, http.MethodGet, "/stacksz"); w.Code != 200 || !strings.Contains(w.Body.String(), "goroutine ") {
		t.Errorf("stacksz: %d", w.Code)
	}
	if w := get(t, h, http.MethodGet, "/debug/vars"); w.Code != 200 || !strings.Contains(w.Body.String(), `"memstats"`) {
		t.Errorf("debug/vars: %d", w.Code)
	}
}

func TestHandlerBasePath(t *testing.T) {
	for _, base := range []string{"/mon", "/mon/", "mon"} {
		h := NewHandler(newFake(), base)
		for target, code := range map[string]int{
			"/mon": 200, "/mon/varz": 200, "/mon/subscriptionsz": 200, "/mon/healthz": 200,
			"/": 404, "/mon/": 404, "/varz": 404, "/monvarz": 404, "/mon/connz/": 404,
		} {
			if w := get(t, h, http.MethodGet, target); w.Code != code {
				t.Errorf("base %q %s: %d, want %d", base, target, w.Code, code)
			}
		}
		idx := get(t, h, http.MethodGet, "/mon").Body.String()
		if !strings.Contains(idx, `href="/mon/varz"`) {
			t.Errorf("base %q index links: %s", base, idx)
		}
		want := map[string]uint64{"/": 2, "/varz": 1, "/subsz": 1, "/healthz": 1}
		if got := h.RequestStats(); !mapsEqual(got, want) {
			t.Errorf("base %q stats %v, want %v", base, got, want)
		}
	}
	if h := NewHandler(newFake(), "/"); get(t, h, http.MethodGet, "/varz").Code != 200 || get(t, h, http.MethodGet, "/").Code != 200 {
		t.Error("base / must serve at the root")
	}
}

func mapsEqual(a, b map[string]uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestHandlerRequestStats(t *testing.T) {
	f := newFake()
	f.stats.HTTPReqStats = map[string]uint64{"/bogus": 9} // the handler's counts win
	h := NewHandler(f, "")
	for _, target := range []string{"/", "/connz", "/connz?sort=bad", "/subscriptionsz", "/subsz", "/healthz?stream=x",
		"/raftz", "/stacksz", "/ipqueuesz", "/debug/vars", "/nope", "/jsz?leader-only=1"} {
		get(t, h, http.MethodGet, target)
	}
	w := get(t, h, http.MethodGet, "/varz")
	var v sysapi.Varz
	if err := json.Unmarshal(w.Body.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	want := map[string]uint64{"/": 1, "/connz": 2, "/subsz": 2, "/healthz": 1, "/jsz": 1, "/varz": 1}
	if !mapsEqual(v.HTTPReqStats, want) {
		t.Errorf("http_req_stats %v, want %v", v.HTTPReqStats, want)
	}
	if got := h.RequestStats(); !mapsEqual(got, want) {
		t.Errorf("RequestStats %v", got)
	}
}

func TestHandlerOverHTTP(t *testing.T) {
	srv := httptest.NewServer(NewHandler(newFake(), ""))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/connz?sort=bad")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 400 || string(b) != "invalid sorting option: bad" || resp.ContentLength != 27 ||
		resp.Header.Get("X-Content-Type-Options") != "" {
		t.Errorf("got %d %q len %d %v", resp.StatusCode, b, resp.ContentLength, resp.Header)
	}
}

func TestQueryDecoding(t *testing.T) {
	v := func(s string) url.Values {
		q, err := url.ParseQuery(s)
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	cz, err := connzQuery(v("sort=bytes_to&auth=t&subs=detail&offset=3&limit=7&cid=9&state=Closed&user=u&acc=A&mqtt_client=m&filter_subject=x"))
	want := sysapi.ConnzOptions{Sort: sysapi.ByOutBytes, Auth: true, SubscriptionsDetail: true, Offset: 3, Limit: 7, CID: 9,
		State: sysapi.ConnClosed, User: "u", Account: "A", MQTTClient: "m"}
	if err != nil || *cz != want {
		t.Errorf("connz %+v %v", cz, err)
	}
	if cz, _ := connzQuery(v("subs=TRUE&state=any")); !cz.Subscriptions || cz.SubscriptionsDetail || cz.State != sysapi.ConnAll {
		t.Errorf("connz subs %+v", cz)
	}
	if gz, _ := gatewayzQuery(v("acc_name=A&gw_name=g&subs=1")); !gz.Accounts || gz.AccountName != "A" || gz.Name != "g" || !gz.AccountSubscriptions {
		t.Errorf("gatewayz %+v", gz)
	}
	if js, _ := jszQuery(v("acc=A&consumers=1&direct-consumers=1&raft=1&stream-leader-only=1&limit=4")); js.Account != "A" ||
		!js.Consumer || !js.DirectConsumer || !js.RaftGroups || !js.StreamLeaderOnly || js.Limit != 4 || js.Accounts {
		t.Errorf("jsz %+v", js)
	}
	if hz, _ := healthzQuery(v("js-enabled=1&js-meta-only=1&account=A&stream=S&consumer=C")); !hz.JSEnabled || !hz.JSMetaOnly ||
		hz.Account != "A" || hz.Stream != "S" || hz.Consumer != "C" || hz.Details {
		t.Errorf("healthz %+v", hz)
	}
	if sz, _ := subszQuery(v("subs=1&offset=2&limit=3&test=t&acc=A")); *sz != (sysapi.SubszOptions{Subscriptions: true, Offset: 2, Limit: 3, Test: "t", Account: "A"}) {
		t.Errorf("subsz %+v", sz)
	}
	if lz, _ := leafzQuery(v("subs=1&acc=A")); *lz != (sysapi.LeafzOptions{Subscriptions: true, Account: "A"}) {
		t.Errorf("leafz %+v", lz)
	}
	_, err = connzQuery(v("limit=x"))
	var me *Error
	if !errors.As(err, &me) || me.Code != sysapi.APIErrBadRequest {
		t.Errorf("decode error %v is not a 400 *Error", err)
	}
}
