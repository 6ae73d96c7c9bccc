package events

import "strings"

// Kind is the form of a $SYS.REQ service subject.
type Kind int

// Service subject forms.
const (
	// KindUnknown is not a service subject.
	KindUnknown Kind = iota
	// KindServerPing is $SYS.REQ.SERVER.PING[.<EP>] (Endpoint STATSZ for
	// the bare form).
	KindServerPing
	// KindServerDirect is $SYS.REQ.SERVER.<id>.<EP>.
	KindServerDirect
	// KindAccount is $SYS.REQ.ACCOUNT.<acc>.<EP>.
	KindAccount
	// KindAccountPing is $SYS.REQ.ACCOUNT.PING.<EP> (only STATZ is
	// subscribed in the system account; PING.CONNZ parses as KindAccount
	// with account "PING", like in the reference).
	KindAccountPing
	// KindUser is $SYS.REQ.USER.<acc>.INFO.
	KindUser
)

// Request is a parsed service subject.
type Request struct {
	Kind     Kind
	Target   string // server ID (KindServerDirect) or account (KindAccount, KindUser)
	Endpoint string // "VARZ", "CONNZ", "INFO", ...
}

// Subject prefixes of the services.
const (
	reqServerPrefix  = "$SYS.REQ.SERVER."
	reqAccountPrefix = "$SYS.REQ.ACCOUNT."
	reqUserPrefix    = "$SYS.REQ.USER."
	pingToken        = "PING"
	statszEndpoint   = "STATSZ"
	statzEndpoint    = "STATZ"
	userInfoEndpoint = "INFO"
)

// ParseRequest parses a service subject; ok is false for anything that is
// not one of the forms of Kind.
func ParseRequest(subj string) (r Request, ok bool) {
	switch {
	case strings.HasPrefix(subj, reqServerPrefix):
		rest := strings.Split(subj[len(reqServerPrefix):], ".")
		switch {
		case len(rest) == 1 && rest[0] == pingToken:
			return Request{Kind: KindServerPing, Endpoint: statszEndpoint}, true
		case len(rest) == 2 && rest[0] == pingToken && rest[1] != "":
			return Request{Kind: KindServerPing, Endpoint: rest[1]}, true
		case len(rest) == 2 && rest[0] != "" && rest[1] != "":
			return Request{Kind: KindServerDirect, Target: rest[0], Endpoint: rest[1]}, true
		}
	case strings.HasPrefix(subj, reqAccountPrefix):
		rest := strings.Split(subj[len(reqAccountPrefix):], ".")
		if len(rest) != 2 || rest[0] == "" || rest[1] == "" {
			return Request{}, false
		}
		if rest[0] == pingToken && rest[1] == statzEndpoint {
			return Request{Kind: KindAccountPing, Endpoint: rest[1]}, true
		}
		return Request{Kind: KindAccount, Target: rest[0], Endpoint: rest[1]}, true
	case strings.HasPrefix(subj, reqUserPrefix):
		rest := strings.Split(subj[len(reqUserPrefix):], ".")
		if len(rest) == 2 && rest[0] != "" && rest[1] == userInfoEndpoint {
			return Request{Kind: KindUser, Target: rest[0], Endpoint: rest[1]}, true
		}
	}
	return Request{}, false
}
