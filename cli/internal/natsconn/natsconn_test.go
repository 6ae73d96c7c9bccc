package natsconn

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/natsys/natsys/client"

	"github.com/natsys/natsys/cli/internal/connflags"
	"github.com/natsys/natsys/cli/internal/exit"
)

func TestClassify(t *testing.T) {
	s := &connflags.Settings{Servers: []string{"nats://h:1"}}
	tests := []struct {
		err  error
		code int
	}{
		{&client.ServerError{Text: "Authorization Violation"}, exit.NotAuthorized},
		{fmt.Errorf("connect: %w", &client.ServerError{Text: "User Authentication Expired"}), exit.NotAuthorized},
		{fmt.Errorf("%w: dial: refused", client.ErrNoServers), exit.NoConnection},
		{fmt.Errorf("%w: bad", client.ErrInvalidOption), exit.Usage},
		{&fs.PathError{Op: "open", Path: "x.creds", Err: fs.ErrNotExist}, exit.Usage},
		{errors.New("tls: handshake failure"), exit.NoConnection},
	}
	for _, tt := range tests {
		err := Classify(s, tt.err)
		if exit.Code(err) != tt.code {
			t.Errorf("Classify(%v) code %d, want %d", tt.err, exit.Code(err), tt.code)
		}
	}
	if !strings.Contains(Classify(s, errors.New("x")).Error(), "cannot connect to nats://h:1") {
		t.Error("message does not name the servers")
	}
}

func TestServerError(t *testing.T) {
	if ServerError(nil) != nil || ServerError(errors.New("EOF")) != nil {
		t.Error("non-server errors must give nil")
	}
	err := ServerError(&client.ServerError{Text: `Permissions Violation for Publish to "x"`})
	if exit.Code(err) != exit.Failed || err.Error() != `server error: Permissions Violation for Publish to "x"` {
		t.Errorf("got %v (%d)", err, exit.Code(err))
	}
	if exit.Code(ServerError(&client.ServerError{Text: "Authorization Violation"})) != exit.NotAuthorized {
		t.Error("authorization violation is not exit 5")
	}
}

// TestDialCancel: cancelling the context abandons a connect that hangs
// (a listener that never answers) with exit code 4.
func TestDialCancel(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	s := &connflags.Settings{Servers: []string{"nats://" + l.Addr().String()}, Name: "t", ConnectTimeout: 10 * time.Second}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	begin := time.Now()
	_, err = Dial(ctx, s, Events{})
	if exit.Code(err) != exit.NoConnection || time.Since(begin) > 5*time.Second {
		t.Errorf("err %v code %d after %s", err, exit.Code(err), time.Since(begin))
	}
}
