package events

import (
	"strings"

	"github.com/natsys/natsys/client/sysapi"
)

// Identity is what server filters are matched against.
type Identity struct {
	Name    string   // server name
	Host    string   // client listen host
	Cluster string   // cluster name ("" when none)
	Domain  string   // JetStream domain
	Tags    []string // server tags, lower-cased
}

// Match reports whether a server with identity id answers a request with
// filter f (spec §5.3): name, host and cluster match as substrings, or as
// equal strings with ExactMatch; every tag in f must be configured
// (case-insensitive, trimmed); the domain must be equal. Empty fields do not
// filter.
func Match(f *sysapi.EventFilterOptions, id *Identity) bool {
	if f == nil {
		return true
	}
	str := func(want, have string) bool {
		if want == "" {
			return true
		}
		if f.ExactMatch {
			return want == have
		}
		return strings.Contains(have, want)
	}
	if !str(f.Name, id.Name) || !str(f.Host, id.Host) || !str(f.Cluster, id.Cluster) {
		return false
	}
	if f.Domain != "" && f.Domain != id.Domain {
		return false
	}
	for _, want := range f.Tags {
		if !hasTag(id.Tags, want) {
			return false
		}
	}
	return true
}

func hasTag(tags []string, want string) bool {
	want = strings.ToLower(strings.TrimSpace(want))
	for _, t := range tags {
		if strings.ToLower(strings.TrimSpace(t)) == want {
			return true
		}
	}
	return false
}
