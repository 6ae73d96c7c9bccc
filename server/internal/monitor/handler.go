package monitor

import (
	"encoding/json"
	"expvar"
	"fmt"
	"html"
	"maps"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"

	"github.com/natsys/natsys/client/sysapi"
)

// Handler serves the HTTP monitoring endpoints under a base path. Every
// handled request of a counted endpoint (the index page and the JSON
// endpoints of the contract) increments that endpoint's counter, whatever
// the outcome; the counters are VARZ http_req_stats. Any HTTP method is
// accepted. Create one with NewHandler.
type Handler struct {
	src    Source
	base   string
	routes map[string]route

	mu    sync.Mutex
	stats map[string]uint64 // endpoint (without base path) -> requests
}

// route is one served path.
type route struct {
	stat  string // http_req_stats key, "" when not counted
	serve func(h *Handler, w http.ResponseWriter, r *http.Request)
}

// NewHandler returns the monitoring handler for src. basePath is the
// http_base_path option ("" or "/" for none); endpoints are served at
// basePath+"/varz" and so on, the index page at basePath itself (or "/").
// Any other path gets 404 "404 page not found".
func NewHandler(src Source, basePath string) *Handler {
	base := strings.TrimRight(basePath, "/")
	if base != "" && !strings.HasPrefix(base, "/") {
		base = "/" + base
	}
	h := &Handler{src: src, base: base, stats: make(map[string]uint64)}
	h.routes = map[string]route{
		sysapi.VarzPath:          {sysapi.VarzPath, (*Handler).serveVarz},
		sysapi.ConnzPath:         {sysapi.ConnzPath, jsonEndpoint(connzQuery, Connz)},
		sysapi.RoutezPath:        {sysapi.RoutezPath, jsonEndpoint(routezQuery, Routez)},
		sysapi.GatewayzPath:      {sysapi.GatewayzPath, jsonEndpoint(gatewayzQuery, Gatewayz)},
		sysapi.LeafzPath:         {sysapi.LeafzPath, jsonEndpoint(leafzQuery, Leafz)},
		sysapi.SubszPath:         {sysapi.SubszPath, jsonEndpoint(subszQuery, Subsz)},
		sysapi.SubscriptionsPath: {sysapi.SubszPath, jsonEndpoint(subszQuery, Subsz)},
		sysapi.AccountzPath:      {sysapi.AccountzPath, jsonEndpoint(accountzQuery, Accountz)},
		sysapi.AccountStatzPath:  {sysapi.AccountStatzPath, jsonEndpoint(accstatzQuery, Accstatz)},
		sysapi.JszPath:           {sysapi.JszPath, jsonEndpoint(jszQuery, Jsz)},
		sysapi.HealthzPath:       {sysapi.HealthzPath, (*Handler).serveHealthz},
		sysapi.RaftzPath:         {"", serveRaftz},
		sysapi.IPQueuesPath:      {"", serveIpqueuesz},
		sysapi.StackszPath:       {"", serveStacksz},
		sysapi.ExpvarzPath:       {"", serveExpvar},
	}
	return h
}

// ServeHTTP routes a request by its exact path.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	if p == h.indexPath() {
		h.count(sysapi.RootPath)
		h.serveIndex(w)
		return
	}
	rest, ok := strings.CutPrefix(p, h.base)
	rt, found := h.routes[rest]
	if !ok || !found {
		http.NotFound(w, r)
		return
	}
	if rt.stat != "" {
		h.count(rt.stat)
	}
	rt.serve(h, w, r)
}

// RequestStats returns a copy of the per-endpoint request counters.
func (h *Handler) RequestStats() map[string]uint64 {
	h.mu.Lock()
	defer h.mu.Unlock()
	return maps.Clone(h.stats)
}

// count increments the counter of endpoint.
func (h *Handler) count(endpoint string) {
	h.mu.Lock()
	h.stats[endpoint]++
	h.mu.Unlock()
}

// indexPath is the path of the index page.
func (h *Handler) indexPath() string {
	if h.base == "" {
		return sysapi.RootPath
	}
	return h.base
}

// jsonEndpoint returns the handler of an endpoint that decodes its query
// into options and answers with a builder's payload.
func jsonEndpoint[O, T any](parse func(url.Values) (*O, error), build func(Source, *O) (*T, error)) func(*Handler, http.ResponseWriter, *http.Request) {
	return func(h *Handler, w http.ResponseWriter, r *http.Request) {
		opts, err := parse(r.URL.Query())
		if err != nil {
			writeError(w, err)
			return
		}
		v, err := build(h.src, opts)
		if err != nil {
			writeError(w, err)
			return
		}
		writeJSON(w, http.StatusOK, v, true)
	}
}

// serveVarz answers /varz with this handler's request counters.
func (h *Handler) serveVarz(w http.ResponseWriter, _ *http.Request) {
	v, err := Varz(h.src, nil)
	if err != nil {
		writeError(w, err)
		return
	}
	v.HTTPReqStats = h.RequestStats()
	writeJSON(w, http.StatusOK, v, true)
}

// serveHealthz answers /healthz: the health status code becomes the HTTP
// status and leaves the (compact) body.
func (h *Handler) serveHealthz(w http.ResponseWriter, r *http.Request) {
	opts, err := healthzQuery(r.URL.Query())
	if err != nil {
		writeError(w, err)
		return
	}
	hs, err := Healthz(h.src, opts)
	if err != nil {
		writeError(w, err)
		return
	}
	code := hs.StatusCode
	hs.StatusCode = 0
	writeJSON(w, code, hs, false)
}

// serveRaftz answers /raftz: there are no raft groups.
func serveRaftz(_ *Handler, w http.ResponseWriter, _ *http.Request) {
	writeText(w, http.StatusNotFound, "No Raft nodes registered")
}

// serveIpqueuesz answers /ipqueuesz: there are no internal queues to show.
func serveIpqueuesz(_ *Handler, w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, sysapi.IpqueueszStatus{}, true)
}

// serveStacksz answers /stacksz with a dump of every goroutine (served as
// application/json like the reference, although it is text).
func serveStacksz(_ *Handler, w http.ResponseWriter, _ *http.Request) {
	buf := make([]byte, 64<<10)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	setJSONHeaders(w)
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(buf)
}

// serveExpvar answers /debug/vars with the Go expvar variables.
func serveExpvar(_ *Handler, w http.ResponseWriter, r *http.Request) {
	expvar.Handler().ServeHTTP(w, r)
}

// serveIndex writes the HTML index page with a link to every endpoint.
func (h *Handler) serveIndex(w http.ResponseWriter) {
	entries := [...][2]string{ // endpoint, label
		{sysapi.VarzPath, "General"}, {sysapi.JszPath, "JetStream"}, {sysapi.ConnzPath, "Connections"},
		{sysapi.AccountzPath, "Accounts"}, {sysapi.AccountStatzPath, "Account Stats"},
		{sysapi.SubszPath, "Subscriptions"}, {sysapi.RoutezPath, "Routes"}, {sysapi.LeafzPath, "Leaf Nodes"},
		{sysapi.GatewayzPath, "Gateways"}, {sysapi.RaftzPath, "Raft Groups"},
		{sysapi.HealthzPath, "Health Probe"}, {sysapi.ExpvarzPath, "Expvar"},
	}
	var b strings.Builder
	b.WriteString("<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>natsys monitoring</title></head>\n<body>\n<h1>natsys monitoring</h1>\n<ul>\n")
	for _, e := range entries {
		href := html.EscapeString(h.base + e[0])
		fmt.Fprintf(&b, "<li><a href=\"%s\">%s</a> <code>%s</code></li>\n", href, e[1], html.EscapeString(e[0]))
	}
	b.WriteString("</ul>\n</body>\n</html>\n")
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write([]byte(b.String()))
}

// setJSONHeaders sets the headers of a JSON answer.
func setJSONHeaders(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Access-Control-Allow-Origin", "*")
}

// writeJSON writes v as JSON with status code, indented or compact.
func writeJSON(w http.ResponseWriter, code int, v any, indent bool) {
	var b []byte
	var err error
	switch cz, isConnz := v.(*sysapi.Connz); {
	case isConnz && indent:
		b, err = marshalConnzIndent(cz) // the largest bodies: a one-pass encoder
	case indent:
		b, err = json.MarshalIndent(v, "", jsonIndent)
	default:
		b, err = json.Marshal(v)
	}
	if err != nil {
		writeText(w, http.StatusInternalServerError, fmt.Sprintf("monitor: encoding response: %v", err))
		return
	}
	setJSONHeaders(w)
	w.WriteHeader(code)
	_, _ = w.Write(b)
}

// writeError answers a failed request: status 400 and the error text.
func writeError(w http.ResponseWriter, err error) {
	writeText(w, http.StatusBadRequest, err.Error())
}

// writeText writes a plain-text answer without a trailing newline.
func writeText(w http.ResponseWriter, code int, text string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(code)
	_, _ = w.Write([]byte(text))
}
