package monitor

import "github.com/natsys/natsys/client/sysapi"

// Jsz builds the JSZ payload; opts may be nil. JetStream is not built, so the
// payload is the reference's "JetStream disabled" reply: Disabled set, every
// counter and the configuration limits 0, no limits and no account details.
// opts.LeaderOnly returns ErrNotLeader (the $SYS service stays silent).
func Jsz(src Source, opts *sysapi.JSzOptions) (*sysapi.JSInfo, error) {
	if opts != nil && opts.LeaderOnly {
		return nil, ErrNotLeader
	}
	srv := src.Server()
	return &sysapi.JSInfo{ID: srv.ID, Now: srv.now(), Disabled: true}, nil
}

// AccountJsz builds the payload of $SYS.REQ.ACCOUNT.<name>.JSZ. Without
// JetStream it always fails with code 500 "jetstream not enabled".
func AccountJsz(_ Source, _ string, _ *sysapi.JSzOptions) (*sysapi.AccountDetail, error) {
	return nil, internalErr(errTextJSNotEnabled)
}
