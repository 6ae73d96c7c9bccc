package sys

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/s2"
	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sysapi"
)

const (
	serverBlock = `{"name":"n1","host":"127.0.0.1","id":"NID","ver":"2.15.2","jetstream":false,"flags":0,"seq":1,"time":"2026-01-01T00:00:00Z"}`
	varzReply   = `{"server":` + serverBlock + `,"data":{"server_id":"NID","server_name":"n1","port":4222}}`
)

// snappyFrame compresses b as a framed snappy stream, as servers send it.
func snappyFrame(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := s2.NewWriter(&buf, s2.WriterSnappyCompat())
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gzipped(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	if _, err := w.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func msgWith(encoding string, data []byte) *client.Msg {
	m := &client.Msg{Data: data}
	if encoding != "" {
		m.Header = client.Header{hdrContentEncoding: {encoding}}
	}
	return m
}

func TestDecompress(t *testing.T) {
	plain := []byte(varzReply)
	big := bytes.Repeat([]byte("x"), 1000)
	tests := []struct {
		name     string
		encoding string
		body     []byte
		limit    int64
		want     []byte
		err      error
	}{
		{"none", "", plain, 1 << 20, plain, nil},
		{"identity", "identity", plain, 1 << 20, plain, nil},
		{"snappy", "snappy", snappyFrame(t, plain), 1 << 20, plain, nil},
		{"snappy upper case", "SNAPPY", snappyFrame(t, plain), 1 << 20, plain, nil},
		{"gzip", "gzip", gzipped(t, plain), 1 << 20, plain, nil},
		{"snappy over limit", "snappy", snappyFrame(t, big), 999, nil, ErrReplyTooLarge},
		{"snappy at limit", "snappy", snappyFrame(t, big), 1000, big, nil},
		{"gzip over limit", "gzip", gzipped(t, big), 10, nil, ErrReplyTooLarge},
		{"plain over limit", "", big, 10, nil, ErrReplyTooLarge},
		{"corrupt snappy", "snappy", []byte("\xff\x06\x00\x00sNaPpY\x00\x05\x00\x00garbage"), 1 << 20, nil, ErrBadReply},
		{"not snappy", "snappy", plain, 1 << 20, nil, ErrBadReply},
		{"corrupt gzip", "gzip", []byte("nope"), 1 << 20, nil, ErrBadReply},
		{"unknown encoding", "br", plain, 1 << 20, nil, ErrBadReply},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := decompress(tt.body, tt.encoding, tt.limit)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if tt.err == nil && !bytes.Equal(got, tt.want) {
				t.Errorf("got %q", got)
			}
		})
	}
}

func TestDecodeReply(t *testing.T) {
	t.Run("envelope snappy", func(t *testing.T) {
		r := decodeReply[sysapi.Varz](msgWith("snappy", snappyFrame(t, []byte(varzReply))), shapeEnvelope, 1<<20)
		if !r.OK() || r.Data == nil || r.Data.Name != "n1" || r.Server.ID != "NID" || r.Encoding != "snappy" {
			t.Errorf("reply %+v", r)
		}
		if string(r.Raw) != varzReply {
			t.Errorf("raw %q", r.Raw)
		}
	})
	t.Run("envelope error with data null", func(t *testing.T) {
		body := `{"server":` + serverBlock + `,"data":null,"error":{"code":500,"description":"invalid sorting option: xyz"}}`
		r := decodeReply[sysapi.Connz](msgWith("", []byte(body)), shapeEnvelope, 1<<20)
		if r.OK() || r.Data != nil || r.Err.Code != 500 || r.Error().Error() != "invalid sorting option: xyz" {
			t.Errorf("reply %+v", r)
		}
	})
	t.Run("statsz", func(t *testing.T) {
		body := `{"server":` + serverBlock + `,"statsz":{"connections":3,"active_servers":2}}`
		r := decodeReply[sysapi.ServerStats](msgWith("", []byte(body)), shapeStatsz, 1<<20)
		if !r.OK() || r.Data.Connections != 3 || r.Data.ActiveServers != 2 || r.Server.Name != "n1" {
			t.Errorf("reply %+v", r)
		}
	})
	t.Run("idz", func(t *testing.T) {
		r := decodeReply[sysapi.ServerID](msgWith("", []byte(`{"name":"n1","host":"h","id":"NID"}`)), shapeIdz, 1<<20)
		if !r.OK() || r.Server.ID != "NID" || r.Data.Name != "n1" {
			t.Errorf("reply %+v", r)
		}
	})
	t.Run("status error", func(t *testing.T) {
		body := `{"server":` + serverBlock + `,"error":{"code":500,"description":"no such client or leafnode id"}}`
		r := decodeReply[struct{}](msgWith("", []byte(body)), shapeStatus, 1<<20)
		if r.Err == nil || r.Err.Description != "no such client or leafnode id" || r.Server.Name != "n1" {
			t.Errorf("reply %+v", r)
		}
	})
	bad := []struct {
		name string
		m    *client.Msg
		sh   shape
		err  error
	}{
		{"not json", msgWith("", []byte("hello")), shapeEnvelope, ErrBadReply},
		{"no server block", msgWith("", []byte(`{"data":{}}`)), shapeEnvelope, ErrBadReply},
		{"data of wrong type", msgWith("", []byte(`{"server":`+serverBlock+`,"data":[1]}`)), shapeEnvelope, ErrBadReply},
		{"too large", msgWith("", []byte(varzReply)), shapeEnvelope, ErrReplyTooLarge},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			limit := int64(1 << 20)
			if tt.err == ErrReplyTooLarge {
				limit = 10
			}
			r := decodeReply[sysapi.Varz](tt.m, tt.sh, limit)
			if !errors.Is(r.Invalid, tt.err) || r.OK() || r.Data != nil {
				t.Errorf("invalid = %v, want %v", r.Invalid, tt.err)
			}
			if !bytes.Equal(r.Raw, tt.m.Data) {
				t.Errorf("raw not kept")
			}
		})
	}
}

func TestHeaderValueCaseInsensitive(t *testing.T) {
	h := client.Header{"content-encoding": {"snappy"}}
	if got := headerValue(h, hdrContentEncoding); got != "snappy" {
		t.Errorf("got %q", got)
	}
	if got := headerValue(nil, hdrContentEncoding); got != "" {
		t.Errorf("nil header: %q", got)
	}
}

func TestRequestBody(t *testing.T) {
	tests := []struct {
		name string
		opts any
		o    []Option
		want string
	}{
		{"empty", nil, nil, `{}`},
		{"options", sysapi.KickClientReq{CID: 7}, nil, `{"cid":7}`},
		{"filter only", nil, []Option{Filter(sysapi.EventFilterOptions{Name: "n1", ExactMatch: true})},
			`{"exact_match":true,"server_name":"n1"}`},
		{"merged", sysapi.SubszOptions{Test: "a.b"}, []Option{Filter(sysapi.EventFilterOptions{Cluster: "c1"})},
			`{"cluster":"c1","limit":0,"offset":0,"subscriptions":false,"test":"a.b"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := requestBody(tt.opts, newConfig(tt.o))
			if err != nil || string(got) != tt.want {
				t.Errorf("got %s, %v; want %s", got, err, tt.want)
			}
		})
	}
	if _, err := requestBody([]int{1}, newConfig(nil)); err == nil {
		t.Error("non-object options accepted")
	}
}

func TestTargets(t *testing.T) {
	id := "N" + strings.Repeat("B", sysapi.ServerIDLen-1)
	tests := []struct {
		target Target
		all    bool
		names  []string
		valid  bool
		str    string
	}{
		{All(), true, nil, true, "all servers"},
		{Target{}, true, nil, true, "all servers"},
		{Server(id), false, nil, true, id},
		{Server("n1"), false, []string{"n1"}, true, "n1"},
		{Server(strings.ToLower(id)), false, []string{strings.ToLower(id)}, true, strings.ToLower(id)},
		{ServerName(id), false, []string{id}, true, id},
		{ServerID("n1"), false, nil, true, "n1"},
		{Servers("n1", id, "n2"), false, []string{"n1", "n2"}, true, "n1," + id + ",n2"},
		{Server(""), false, []string{""}, false, ""},
		{ServerID("a.b"), false, nil, false, "a.b"},
		{Server("a b"), false, []string{"a b"}, false, "a b"},
	}
	for _, tt := range tests {
		if tt.target.IsAll() != tt.all || tt.target.String() != tt.str {
			t.Errorf("%q: all %v string %q", tt.str, tt.target.IsAll(), tt.target.String())
		}
		if got := tt.target.names(); strings.Join(got, ",") != strings.Join(tt.names, ",") {
			t.Errorf("%q: names %v, want %v", tt.str, got, tt.names)
		}
		if err := tt.target.validate(); (err == nil) != tt.valid {
			t.Errorf("%q: validate = %v", tt.str, err)
		}
	}
}

func TestRequestIndex(t *testing.T) {
	tests := []struct {
		subj string
		want int
	}{
		{"_INBOX.x.0", 0},
		{"_INBOX.x.2", 2},
		{"_INBOX.x.3", -1},
		{"_INBOX.x.-1", -1},
		{"_INBOX.x.a", -1},
		{"_INBOX.y.0", -1},
		{"_INBOX.x", -1},
	}
	for _, tt := range tests {
		if got := requestIndex(tt.subj, "_INBOX.x", 3); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.subj, got, tt.want)
		}
	}
}

func TestSameError(t *testing.T) {
	e1, e2 := errors.New("a"), errors.New("a")
	se := &client.ServerError{Text: "x"}
	m1 := multiErr{e1}
	tests := []struct {
		a, b error
		want bool
	}{
		{nil, nil, true},
		{e1, nil, false},
		{nil, e1, false},
		{e1, e1, true},
		{e1, e2, false},
		{se, se, true},
		{se, e1, false},
		{m1, m1, false}, // not comparable: never "the same"
	}
	for i, tt := range tests {
		if got := sameError(tt.a, tt.b); got != tt.want {
			t.Errorf("%d: got %v", i, got)
		}
	}
}

// multiErr is an error type that == cannot compare.
type multiErr []error

func (m multiErr) Error() string { return "multi" }

func TestBound(t *testing.T) {
	ctx, cancel := newConfig(nil).bound(context.Background())
	defer cancel()
	if dl, ok := ctx.Deadline(); !ok || time.Until(dl) > DefaultTimeout || time.Until(dl) < DefaultTimeout-time.Second {
		t.Errorf("no deadline: got %v %v, want DefaultTimeout", dl, ok)
	}
	parent, pcancel := context.WithTimeout(context.Background(), time.Hour)
	defer pcancel()
	ctx, cancel = newConfig(nil).bound(parent)
	defer cancel()
	if dl, _ := ctx.Deadline(); time.Until(dl) < 59*time.Minute {
		t.Errorf("parent deadline replaced: %v", dl)
	}
	ctx, cancel = newConfig([]Option{Timeout(time.Second)}).bound(parent)
	defer cancel()
	if dl, _ := ctx.Deadline(); time.Until(dl) > time.Second {
		t.Errorf("Timeout not applied: %v", dl)
	}
}

func TestConfigDefaults(t *testing.T) {
	c := newConfig([]Option{Expect(-3), Gap(-1), MaxReplySize(0), nil})
	if c.expect != 0 || c.gap != 0 || c.maxReply != DefaultMaxReplySize {
		t.Errorf("config %+v", c)
	}
	c = newConfig(nil)
	if c.gap != DefaultGap || c.timeout != 0 || c.hasFilter || c.noCompress || c.noDiscover {
		t.Errorf("defaults %+v", c)
	}
}

// FuzzDecodeReply feeds arbitrary bodies and encodings to the reply decoder:
// it must never panic, never return more than the limit, and always report
// either a payload/error object or Invalid.
func FuzzDecodeReply(f *testing.F) {
	f.Add("", []byte(varzReply))
	f.Add("snappy", snappyFrame(f, []byte(varzReply)))
	f.Add("gzip", gzipped(f, []byte(varzReply)))
	f.Add("snappy", []byte("\xff\x06\x00\x00sNaPpY"))
	f.Add("identity", []byte(`{"server":{"id":"N"},"error":{"code":400}}`))
	f.Fuzz(func(t *testing.T, encoding string, body []byte) {
		const limit = 4096
		for _, sh := range []shape{shapeEnvelope, shapeStatsz, shapeIdz, shapeStatus} {
			r := decodeReply[map[string]any](msgWith(encoding, body), sh, limit)
			if r.Invalid == nil {
				if len(r.Raw) > limit {
					t.Fatalf("raw of %d bytes over the limit", len(r.Raw))
				}
				if r.Server.ID == "" && r.Err == nil {
					t.Fatalf("valid reply without server: %q", r.Raw)
				}
			}
		}
	})
}
