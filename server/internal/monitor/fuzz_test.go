package monitor

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/natsys/natsys/client/sysapi"
)

// FuzzConnzQuery decodes arbitrary /connz query strings and runs CONNZ with
// the result: decoding fails only with a 400 "Error decoding" *Error, CONNZ
// only with a 500 *Error, and a page never breaks its own header.
func FuzzConnzQuery(f *testing.F) {
	for _, s := range []string{"", "sort=bad", "subs=detail&auth=1", "state=closed&sort=stop&limit=1",
		"cid=5&state=all", "offset=-1&limit=-1", "user=a&offset=1&limit=2&state=any", "limit=x", "acc=NOPE"} {
		f.Add(s)
	}
	src := newFake()
	f.Fuzz(func(t *testing.T, raw string) {
		v, _ := url.ParseQuery(raw) // like Request.URL.Query: malformed pairs are dropped
		opts, err := connzQuery(v)
		var me *Error
		if err != nil {
			if !errors.As(err, &me) || me.Code != sysapi.APIErrBadRequest || !strings.HasPrefix(me.Description, "Error decoding ") {
				t.Fatalf("decode %q: unexpected error %v", raw, err)
			}
			return
		}
		cz, err := Connz(src, opts)
		if err != nil {
			if !errors.As(err, &me) || me.Code != sysapi.APIErrInternal {
				t.Fatalf("connz %q: unexpected error %v", raw, err)
			}
			return
		}
		if cz.NumConns != len(cz.Conns) || cz.NumConns > cz.Limit || cz.Limit < 1 || cz.Offset < 0 ||
			cz.Total > 7 || (opts.CID > 0 && cz.Limit != 1) {
			t.Fatalf("connz %q: inconsistent page %+v", raw, cz)
		}
		for _, c := range cz.Conns {
			if (opts.User != "" && c.AuthorizedUser != "" && c.AuthorizedUser != opts.User) || (opts.CID > 0 && c.CID != opts.CID) {
				t.Fatalf("connz %q: filter not applied to %+v", raw, c)
			}
		}
		if _, err := json.Marshal(cz); err != nil {
			t.Fatalf("connz %q: %v", raw, err)
		}
	})
}

// handlerPaths are the paths FuzzHandlerQuery picks from.
var handlerPaths = [...]string{"/varz", "/connz", "/routez", "/gatewayz", "/leafz", "/subsz", "/accountz",
	"/accstatz", "/jsz", "/healthz"}

// FuzzHandlerQuery sends arbitrary query strings to every JSON endpoint:
// the answer is JSON (200, or a health status code for /healthz) or a 400
// plain-text error.
func FuzzHandlerQuery(f *testing.F) {
	f.Add(uint8(1), "sort=bad")
	f.Add(uint8(5), "subs=1&test=foo.bar&offset=1")
	f.Add(uint8(8), "leader-only=1")
	f.Add(uint8(9), "details=1&stream=x")
	f.Add(uint8(6), "acc=NOPE")
	h := NewHandler(newFake(), "")
	f.Fuzz(func(t *testing.T, idx uint8, raw string) {
		path := handlerPaths[int(idx)%len(handlerPaths)]
		u := &url.URL{Path: path, RawQuery: raw}
		req, err := http.NewRequest(http.MethodGet, u.String(), nil)
		if err != nil {
			return
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		ct := w.Header().Get("Content-Type")
		switch {
		case w.Code == http.StatusOK || path == "/healthz" && ct == ctJSON:
			if ct != ctJSON || !json.Valid(w.Body.Bytes()) {
				t.Fatalf("%s?%s: %d %q %q", path, raw, w.Code, ct, w.Body.String())
			}
		case w.Code == http.StatusBadRequest:
			if ct != ctText || w.Body.Len() == 0 {
				t.Fatalf("%s?%s: 400 %q %q", path, raw, ct, w.Body.String())
			}
		default:
			t.Fatalf("%s?%s: status %d", path, raw, w.Code)
		}
	})
}
