package sys

import (
	"fmt"
	"strings"

	"github.com/natsys/natsys/client/sysapi"
)

// Target says which servers a server endpoint request goes to: all of them
// (the zero Target, or All) or the listed servers.
type Target struct {
	servers []serverRef
}

// serverRef is one server given by the caller.
type serverRef struct {
	value string // as given
	byID  bool
}

// All targets every server: one request on "$SYS.REQ.SERVER.PING.<EP>".
func All() Target { return Target{} }

// Server targets one server by ID or by name. A string of the shape of a
// server ID (sysapi.IsServerID: 56 characters, no lower-case letters) is used
// as an ID, anything else as a name, as natscli does.
func Server(idOrName string) Target { return Servers(idOrName) }

// Servers targets the given servers, each by ID or by name as in Server. The
// result lists in Missing every given server that did not reply.
func Servers(idsOrNames ...string) Target {
	t := Target{servers: make([]serverRef, 0, len(idsOrNames))}
	for _, s := range idsOrNames {
		t.servers = append(t.servers, serverRef{value: s, byID: sysapi.IsServerID(s)})
	}
	return t
}

// ServerID targets one server by its ID, without guessing.
func ServerID(id string) Target { return Target{servers: []serverRef{{value: id, byID: true}}} }

// ServerName targets one server by its name, without guessing; the name is
// resolved to an ID first.
func ServerName(name string) Target { return Target{servers: []serverRef{{value: name}}} }

// IsAll reports whether t targets every server.
func (t Target) IsAll() bool { return len(t.servers) == 0 }

// String describes the target: "all servers" or the servers as given.
func (t Target) String() string {
	if t.IsAll() {
		return "all servers"
	}
	parts := make([]string, len(t.servers))
	for i, s := range t.servers {
		parts[i] = s.value
	}
	return strings.Join(parts, ",")
}

// validate rejects empty server strings.
func (t Target) validate() error {
	for _, s := range t.servers {
		if s.value == "" || strings.ContainsAny(s.value, " \t\r\n") {
			return fmt.Errorf("%w: server %q", ErrBadTarget, s.value)
		}
		if s.byID && strings.ContainsAny(s.value, ".*>") {
			return fmt.Errorf("%w: server ID %q", ErrBadTarget, s.value)
		}
	}
	return nil
}

// names returns the servers given by name.
func (t Target) names() []string {
	var out []string
	for _, s := range t.servers {
		if !s.byID {
			out = append(out, s.value)
		}
	}
	return out
}
