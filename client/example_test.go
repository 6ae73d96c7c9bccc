package client_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/natsys/natsys/client"
)

// Connect with a name and a user, and watch the connection's life.
func ExampleConnect() {
	nc, err := client.Connect("nats://127.0.0.1:4222,nats://127.0.0.1:4223",
		client.Name("example"),
		client.UserInfo("alice", "secret"),
		client.ReconnectWait(time.Second),
		client.DisconnectHandler(func(_ *client.Conn, err error) { log.Printf("disconnected: %v", err) }),
		client.ReconnectHandler(func(c *client.Conn) { log.Printf("reconnected to %s", c.ConnectedURL()) }),
	)
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()
	fmt.Println(nc.Status())
}

// Publish and subscribe, then check that the server accepted the publish.
func ExampleConn_Subscribe() {
	nc, err := client.Connect("nats://127.0.0.1:4222")
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()

	sub, err := nc.Subscribe("orders.>", func(m *client.Msg) {
		fmt.Printf("%s: %s\n", m.Subject, m.Data)
	})
	if err != nil {
		log.Fatal(err)
	}
	defer sub.Unsubscribe()

	msg := client.NewMsg("orders.new")
	msg.Header.Set("Order-Id", "42")
	msg.Data = []byte("one pizza")
	if err := nc.PublishMsg(msg); err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if err := nc.Flush(ctx); err != nil {
		log.Fatal(err)
	}
	if err := nc.LastError(); errors.Is(err, client.ErrPermissionViolation) {
		log.Fatal(err)
	}
}

// Read a subscription synchronously.
func ExampleConn_SubscribeSync() {
	nc, err := client.Connect("nats://127.0.0.1:4222")
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()

	sub, err := nc.SubscribeSync("updates")
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	m, err := sub.NextMsg(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s\n", m.Data)
}

// Serve requests and make one.
func ExampleConn_Request() {
	nc, err := client.Connect("nats://127.0.0.1:4222")
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()

	_, err = nc.Subscribe("time.now", func(m *client.Msg) {
		_ = m.Respond([]byte(time.Now().UTC().Format(time.RFC3339)))
	})
	if err != nil {
		log.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	reply, err := nc.Request(ctx, "time.now", nil)
	switch {
	case errors.Is(err, client.ErrNoResponders):
		log.Print("nobody serves time.now")
	case err != nil:
		log.Fatal(err)
	default:
		fmt.Printf("%s\n", reply.Data)
	}
}

// Ask every server of a cluster (or every instance of a service) and
// collect the answers that arrive within a second, stopping early after
// three or after 200ms of silence.
func ExampleConn_RequestMany() {
	nc, err := client.Connect("nats://127.0.0.1:4222")
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	replies, err := nc.RequestMany(ctx, "svc.ping", nil,
		client.MaxReplies(3), client.ReplyGap(200*time.Millisecond))
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(len(replies), "replies")
}
