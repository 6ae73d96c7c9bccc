// Package client is a NATS client: it connects to any NATS server (the
// natsys server or nats-server) over TCP or TLS and publishes, subscribes
// and makes requests.
//
// # Connecting
//
//	nc, err := client.Connect("nats://127.0.0.1:4222", client.Name("worker"))
//	if err != nil { ... }
//	defer nc.Close()
//
// The URL list is comma-separated. A URL may carry credentials
// ("nats://user:pass@host:4222", or "nats://token@host:4222"); options add
// user/password (UserInfo), a token (Token), an nkey (NkeyFromSeed,
// NkeySeedFile: the client signs the server's nonce), a credentials file with
// a user JWT (Credentials) and TLS (RootCAs, ClientCert, TLSConfig, the
// tls:// scheme, TLSHandshakeFirst). Every CONNECT asks for headers and
// no-responders support.
//
// # Messages
//
// Publish, PublishRequest and PublishMsg (with a Header) only queue the
// message: a flusher goroutine writes what accumulated with one syscall.
// Flush(ctx) waits for the server's PONG, after which LastError tells whether
// the server refused anything (permission violations arrive asynchronously
// as -ERR, are kept as LastError and passed to the ErrorHandler).
//
// Subscribe and QueueSubscribe call a handler on a goroutine of the
// subscription; SubscribeSync is read with NextMsg(ctx); ChanSubscribe feeds a
// channel. Each subscription buffers at most PendingLimits messages and bytes;
// beyond that it drops messages, counts them (Subscription.Dropped) and
// reports ErrSlowConsumer once per episode to the ErrorHandler.
//
// Request(ctx, ...) waits for one reply; all requests of a connection share
// one wildcard inbox subscription. A request nobody listens to fails at once
// with ErrNoResponders. RequestMany collects several replies until a count,
// a gap without replies or the context's end.
//
// # Reconnecting
//
// When the connection drops, the client walks its server pool (the given
// URLs plus the cluster URLs the server announces in INFO connect_urls),
// waiting ReconnectWait plus jitter before retrying a server. Publishes made
// meanwhile are buffered up to ReconnectBufSize, and subscriptions are
// restored (with their remaining AutoUnsubscribe counts) before the buffer is
// sent. DisconnectHandler, ReconnectHandler and ClosedHandler report the
// transitions; Status tells the current state.
//
// # Concurrency
//
// A Conn and its Subscriptions are safe for concurrent use. Callbacks run
// with no lock held, one at a time per subscription (message handlers) or per
// connection (connection events). Close waits for the connection's own
// goroutines; Drain additionally lets every handler finish its queue.
package client
