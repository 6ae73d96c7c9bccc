package sys_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"time"

	"github.com/natsys/natsys/client"
	"github.com/natsys/natsys/client/sys"
	"github.com/natsys/natsys/client/sysapi"
)

// ExampleConnz lists the ten busiest connections of every server of a
// cluster, as a user of the system account.
func ExampleConnz() {
	nc, err := client.Connect("nats://admin:changeit@127.0.0.1:4222")
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	res, err := sys.Connz(ctx, nc, sys.All(), sysapi.ConnzOptions{
		Sort:  sysapi.ByInMsgs,
		Limit: 10,
		State: sysapi.ConnOpen,
	})
	switch {
	case errors.Is(err, sys.ErrNotSystemAccount):
		log.Fatal("log in as a user of the system account")
	case err != nil:
		log.Fatal(err)
	}
	for _, r := range res.Replies {
		if err := r.Error(); err != nil {
			fmt.Printf("%s: %v\n", r.Server.Name, err)
			continue
		}
		for _, c := range r.Data.Conns {
			fmt.Printf("%s cid %d %s: %d msgs in\n", r.Server.Name, c.CID, c.Name, c.InMsgs)
		}
	}
	if !res.Complete() {
		fmt.Printf("%d server(s) did not reply\n", res.MissingCount)
	}
}

// ExampleKick closes one connection of a server given by name.
func ExampleKick() {
	nc, err := client.Connect("nats://admin:changeit@127.0.0.1:4222")
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()

	var apiErr *sysapi.APIError
	_, err = sys.Kick(context.Background(), nc, "n1", 42)
	switch {
	case errors.As(err, &apiErr):
		fmt.Println("server refused:", apiErr.Description)
	case err != nil:
		log.Fatal(err)
	}
}

// ExamplePing counts the servers of a cluster and their round trips.
func ExamplePing() {
	nc, err := client.Connect("nats://admin:changeit@127.0.0.1:4222")
	if err != nil {
		log.Fatal(err)
	}
	defer nc.Close()

	res, err := sys.Ping(context.Background(), nc, sys.Expect(3), sys.Timeout(2*time.Second))
	if err != nil {
		log.Fatal(err)
	}
	for _, r := range res.Replies {
		fmt.Printf("%s rtt=%v\n", r.Server.Name, r.RTT)
	}
	fmt.Printf("%d replies, %d missing\n", len(res.Replies), res.MissingCount)
}
