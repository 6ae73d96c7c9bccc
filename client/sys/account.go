package sys

import (
	"context"
	"fmt"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sysapi"
)

// AccountInfo asks every server about account acc
// ("$SYS.REQ.ACCOUNT.<acc>.INFO"): imports, exports, mappings, counts. An
// unknown account is a 500 error object in each reply.
func AccountInfo(ctx context.Context, nc *client.Conn, acc string, o ...Option) (*Result[sysapi.AccountInfo], error) {
	return callAccount[sysapi.AccountInfo](ctx, nc, acc, envelopeEndpoint(sysapi.EndpointInfo, true), nil, o)
}

// AccountConnz asks every server for the connections of account acc
// ("$SYS.REQ.ACCOUNT.<acc>.CONNZ"; the account in the subject overrides
// opts.Account).
func AccountConnz(ctx context.Context, nc *client.Conn, acc string, opts sysapi.ConnzOptions, o ...Option) (*Result[sysapi.Connz], error) {
	return callAccount[sysapi.Connz](ctx, nc, acc, envelopeEndpoint(sysapi.EndpointConnz, true), opts, o)
}

// AccountLeafz asks every server for the leafnodes of account acc.
func AccountLeafz(ctx context.Context, nc *client.Conn, acc string, opts sysapi.LeafzOptions, o ...Option) (*Result[sysapi.Leafz], error) {
	return callAccount[sysapi.Leafz](ctx, nc, acc, envelopeEndpoint(sysapi.EndpointLeafz, true), opts, o)
}

// AccountSubsz asks every server for the subscriptions of account acc (the
// server always includes the list).
func AccountSubsz(ctx context.Context, nc *client.Conn, acc string, opts sysapi.SubszOptions, o ...Option) (*Result[sysapi.Subsz], error) {
	return callAccount[sysapi.Subsz](ctx, nc, acc, envelopeEndpoint(sysapi.EndpointSubsz, true), opts, o)
}

// AccountJsz asks every server for the JetStream details of account acc.
// Servers without JetStream answer with the error object "jetstream not
// enabled".
func AccountJsz(ctx context.Context, nc *client.Conn, acc string, opts sysapi.JSzOptions, o ...Option) (*Result[sysapi.AccountDetail], error) {
	return callAccount[sysapi.AccountDetail](ctx, nc, acc, envelopeEndpoint(sysapi.EndpointJsz, true), opts, o)
}

// AccountStatz asks for account statistics. With acc set it asks
// "$SYS.REQ.ACCOUNT.<acc>.STATZ"; with acc empty "$SYS.REQ.ACCOUNT.PING.STATZ"
// (opts.Accounts selects accounts; from a non-system user it reports the
// user's own account). Servers with nothing to report (no local connection
// in the account, unless IncludeUnused) stay silent, so without Expect the
// call stops on the quiet gap.
func AccountStatz(ctx context.Context, nc *client.Conn, acc string, opts sysapi.AccountStatzOptions, o ...Option) (*Result[sysapi.AccountStatz], error) {
	e := envelopeEndpoint(sysapi.EndpointStatz, false)
	if acc == "" {
		if nc == nil {
			return nil, fmt.Errorf("%w: nil connection", ErrBadTarget)
		}
		return callSubject[sysapi.AccountStatz](ctx, nc, fmt.Sprintf(sysapi.AccPingReqSubj, sysapi.EndpointStatz), e, opts, o)
	}
	return callAccount[sysapi.AccountStatz](ctx, nc, acc, e, opts, o)
}
