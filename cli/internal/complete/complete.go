// Package complete finds shell-completion candidates on a live system:
// subjects with interest (from SUBSZ, or the account's own CONNZ for
// users outside the system account) and server names (from a PING of all
// servers). Every query is bounded by its context and by a gap after the
// last reply, and any failure simply yields no candidates.
package complete

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/natsys/natsys/cli/internal/natsconn"
	"github.com/natsys/natsys/cli/internal/record"
)

// The $SYS subjects the queries use.
const (
	subjectServerPing   = "$SYS.REQ.SERVER.PING"
	subjectSubsz        = "$SYS.REQ.SERVER.PING.SUBSZ"
	subjectAccountConnz = "$SYS.REQ.ACCOUNT.PING.CONNZ"
)

// errNoResponders reports a 503 status: nobody answers the request (not a
// system account user, or no such service).
var errNoResponders = errors.New("complete: no responders")

// serverHeader is the "server" object of every $SYS reply.
type serverHeader struct {
	Name string `json:"name"`
	ID   string `json:"id"`
}

// Subjects returns the subjects (and wildcard patterns) that have
// subscribers and start with prefix, sorted and without duplicates.
// Inboxes and the server's own $SYS subjects are left out unless prefix
// asks for them. It asks all servers for SUBSZ (system account users),
// and falls back to the CONNZ of the caller's own account.
func Subjects(ctx context.Context, c natsconn.Conn, prefix string) ([]string, error) {
	replies, err := requestMany(ctx, c, subjectSubsz, []byte(`{"subscriptions":true,"limit":`+itoa(subszLimit)+`}`))
	var subjects []string
	if err == nil {
		for _, r := range replies {
			var body struct {
				Data struct {
					List []struct {
						Subject string `json:"subject"`
					} `json:"subscriptions_list"`
				} `json:"data"`
			}
			if json.Unmarshal(r.Data, &body) == nil {
				for _, s := range body.Data.List {
					subjects = append(subjects, s.Subject)
				}
			}
		}
	}
	if len(subjects) == 0 {
		replies, err = requestMany(ctx, c, subjectAccountConnz, []byte(`{"subscriptions":true}`))
		if err != nil {
			return nil, err
		}
		for _, r := range replies {
			var body struct {
				Data struct {
					Conns []struct {
						Subs []string `json:"subscriptions_list"`
					} `json:"connections"`
				} `json:"data"`
			}
			if json.Unmarshal(r.Data, &body) == nil {
				for _, cn := range body.Data.Conns {
					subjects = append(subjects, cn.Subs...)
				}
			}
		}
	}
	return filter(subjects, prefix), nil
}

// ServerNames returns the names of the servers that answer a PING, sorted,
// starting with prefix (a server without a name is listed by its ID).
func ServerNames(ctx context.Context, c natsconn.Conn, prefix string) ([]string, error) {
	replies, err := requestMany(ctx, c, subjectServerPing, nil)
	if err != nil {
		return nil, err
	}
	var names []string
	for _, r := range replies {
		var body struct {
			Server serverHeader `json:"server"`
		}
		if json.Unmarshal(r.Data, &body) != nil {
			continue
		}
		name := body.Server.Name
		if name == "" {
			name = body.Server.ID
		}
		if name != "" && strings.HasPrefix(name, prefix) {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// hiddenPrefixes are subjects offered only when the typed prefix starts
// with their first character ("$" or "_").
var hiddenPrefixes = []string{"_INBOX.", "_R_.", "$SYS."}

// filter keeps the candidates that start with prefix, hiding inboxes and
// $SYS subjects unless the prefix starts with "_" or "$".
func filter(subjects []string, prefix string) []string {
	var out []string
	for _, s := range subjects {
		if !strings.HasPrefix(s, prefix) || hidden(s, prefix) {
			continue
		}
		out = append(out, s)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func hidden(s, prefix string) bool {
	for _, h := range hiddenPrefixes {
		if strings.HasPrefix(s, h) && (prefix == "" || prefix[0] != h[0]) {
			return true
		}
	}
	return false
}

// requestMany publishes one request and collects the replies until ctx
// ends or replyGap passes without a new reply.
func requestMany(ctx context.Context, c natsconn.Conn, subj string, body []byte) ([]*record.Message, error) {
	inbox := c.NewInbox()
	ch := make(chan *record.Message, maxReplies)
	sub, err := c.Subscribe(inbox, "", func(m *record.Message) {
		select {
		case ch <- m:
		default:
		}
	})
	if err != nil {
		return nil, err
	}
	defer sub.Unsubscribe()
	if err := c.Publish(&record.Message{Subject: subj, Reply: inbox, Data: body}); err != nil {
		return nil, err
	}
	var out []*record.Message
	var gap <-chan time.Time
	for {
		select {
		case m := <-ch:
			if m.Status != 0 {
				return out, errNoResponders
			}
			out = append(out, m)
			gap = time.After(replyGap)
		case <-gap:
			return out, nil
		case <-ctx.Done():
			if len(out) > 0 {
				return out, nil
			}
			return nil, ctx.Err()
		}
	}
}

func itoa(n int) string { return strconv.Itoa(n) }
