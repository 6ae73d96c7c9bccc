package client

import (
	"crypto/tls"
	"fmt"
	"os"
	"time"

	"github.com/nats-io/nkeys"
)

// Option configures a connection. Options are applied in order by Connect.
type Option func(*options) error

// MsgHandler is called for each message of an asynchronous subscription.
type MsgHandler func(*Msg)

// ErrHandler gets asynchronous errors: -ERR texts the server sent while the
// connection stays open (permission violations, ...) as *ServerError, and
// ErrSlowConsumer for a subscription that dropped messages. sub is nil when
// the error is not tied to a subscription.
type ErrHandler func(c *Conn, sub *Subscription, err error)

// ConnErrHandler gets the reason a server connection was lost.
type ConnErrHandler func(c *Conn, err error)

// ConnHandler is a connection event callback.
type ConnHandler func(c *Conn)

type options struct {
	name          string
	user, pass    string
	token         string
	nkeyPub       string
	nkeySeed      []byte
	credsFile     string
	userJWT       string
	userSeed      []byte
	timeout       time.Duration
	pingInterval  time.Duration
	maxPingsOut   int
	noEcho        bool
	inboxPrefix   string
	allowReconn   bool
	maxReconnect  int
	reconnWait    time.Duration
	jitter        time.Duration
	jitterTLS     time.Duration
	reconnDelay   func(attempts int) time.Duration
	backoffMax    time.Duration
	reconnBufSize int
	noRandomize   bool
	writeTimeout  time.Duration
	pendMsgs      int
	pendBytes     int
	secure        bool
	tlsConfig     *tls.Config
	rootCAs       []string
	certFile      string
	keyFile       string
	tlsFirst      bool

	errCB        ErrHandler
	disconnectCB ConnErrHandler
	reconnectCB  ConnHandler
	closedCB     ConnHandler
	discoveredCB ConnHandler
}

func defaultOptions() options {
	return options{
		timeout:       DefaultTimeout,
		pingInterval:  DefaultPingInterval,
		maxPingsOut:   DefaultMaxPingsOut,
		inboxPrefix:   DefaultInboxPrefix,
		allowReconn:   true,
		maxReconnect:  DefaultMaxReconnects,
		reconnWait:    DefaultReconnectWait,
		jitter:        DefaultReconnectJitter,
		jitterTLS:     DefaultReconnectJitterTLS,
		reconnBufSize: DefaultReconnectBufSize,
		writeTimeout:  DefaultWriteTimeout,
		pendMsgs:      DefaultSubPendingMsgs,
		pendBytes:     DefaultSubPendingBytes,
	}
}

// Name sets the connection name shown by the server's monitoring.
func Name(name string) Option {
	return func(o *options) error { o.name = name; return nil }
}

// UserInfo sets the user and password for authentication. Userinfo in a URL
// takes precedence for that URL.
func UserInfo(user, password string) Option {
	return func(o *options) error { o.user, o.pass = user, password; return nil }
}

// Token sets the authentication token.
func Token(token string) Option {
	return func(o *options) error { o.token = token; return nil }
}

// NkeyFromSeed authenticates with an nkey user: seed is the encoded user seed
// ("SU..."); the client signs the server's nonce with it.
func NkeyFromSeed(seed []byte) Option {
	return func(o *options) error {
		kp, err := nkeys.FromSeed(seed)
		if err != nil {
			return fmt.Errorf("%w: nkey seed: %w", ErrInvalidOption, err)
		}
		defer kp.Wipe()
		pub, err := kp.PublicKey()
		if err != nil {
			return fmt.Errorf("%w: nkey seed: %w", ErrInvalidOption, err)
		}
		if !nkeys.IsValidPublicUserKey(pub) {
			return fmt.Errorf("%w: nkey seed is not a user seed", ErrInvalidOption)
		}
		o.nkeyPub, o.nkeySeed = pub, append([]byte(nil), seed...)
		return nil
	}
}

// NkeySeedFile is NkeyFromSeed with the seed read from a file (the first
// line starting with "SU", so nsc-decorated files work too).
func NkeySeedFile(path string) Option {
	return func(o *options) error {
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("%w: nkey seed file: %w", ErrInvalidOption, err)
		}
		seed, err := nkeys.ParseDecoratedNKey(data)
		if err != nil {
			return fmt.Errorf("%w: nkey seed file %s: %w", ErrInvalidOption, path, err)
		}
		defer seed.Wipe() // zeroes the bytes Seed returns: use them first
		s, err := seed.Seed()
		if err != nil {
			return fmt.Errorf("%w: nkey seed file %s: %w", ErrInvalidOption, path, err)
		}
		return NkeyFromSeed(s)(o)
	}
}

// Credentials authenticates with a credentials file holding a user JWT and
// its seed. The file is read at every (re)connect.
func Credentials(path string) Option {
	return func(o *options) error {
		if _, _, err := loadCreds(path); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidOption, err)
		}
		o.credsFile = path
		return nil
	}
}

// UserJWTAndSeed authenticates with a user JWT and its encoded seed given
// directly.
func UserJWTAndSeed(jwt, seed string) Option {
	return func(o *options) error {
		if _, err := nkeys.FromSeed([]byte(seed)); err != nil {
			return fmt.Errorf("%w: user seed: %w", ErrInvalidOption, err)
		}
		o.userJWT, o.userSeed = jwt, []byte(seed)
		return nil
	}
}

// Timeout bounds dialing plus the handshake with one server.
func Timeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("%w: timeout %v", ErrInvalidOption, d)
		}
		o.timeout = d
		return nil
	}
}

// PingInterval sets how often the client PINGs the server; MaxPingsOutstanding
// unanswered PINGs make the connection stale.
func PingInterval(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("%w: ping interval %v", ErrInvalidOption, d)
		}
		o.pingInterval = d
		return nil
	}
}

// MaxPingsOutstanding sets how many PINGs may go unanswered.
func MaxPingsOutstanding(n int) Option {
	return func(o *options) error {
		if n < 1 {
			return fmt.Errorf("%w: max pings outstanding %d", ErrInvalidOption, n)
		}
		o.maxPingsOut = n
		return nil
	}
}

// NoEcho asks the server not to deliver this connection's own publishes to
// its own subscriptions.
func NoEcho() Option {
	return func(o *options) error { o.noEcho = true; return nil }
}

// InboxPrefix replaces "_INBOX" as the start of inbox subjects.
func InboxPrefix(prefix string) Option {
	return func(o *options) error {
		if !validSubject(prefix, false) {
			return fmt.Errorf("%w: inbox prefix %q", ErrInvalidOption, prefix)
		}
		o.inboxPrefix = prefix
		return nil
	}
}

// NoReconnect closes the connection on the first disconnect.
func NoReconnect() Option {
	return func(o *options) error { o.allowReconn = false; return nil }
}

// MaxReconnects sets how many failed attempts in a row a server gets before
// it leaves the pool; negative means forever.
func MaxReconnects(n int) Option {
	return func(o *options) error { o.maxReconnect = n; return nil }
}

// ReconnectWait sets the pause before the same server is tried again.
func ReconnectWait(d time.Duration) Option {
	return func(o *options) error {
		if d < 0 {
			return fmt.Errorf("%w: reconnect wait %v", ErrInvalidOption, d)
		}
		o.reconnWait = d
		return nil
	}
}

// ReconnectJitter sets the upper bound of the random extra wait, for plain
// and TLS connections.
func ReconnectJitter(plain, tlsJitter time.Duration) Option {
	return func(o *options) error {
		if plain < 0 || tlsJitter < 0 {
			return fmt.Errorf("%w: negative jitter", ErrInvalidOption)
		}
		o.jitter, o.jitterTLS = plain, tlsJitter
		return nil
	}
}

// ReconnectBackoff doubles the wait before retrying a server after each of
// its consecutive failures, starting at ReconnectWait and capped at max.
func ReconnectBackoff(max time.Duration) Option {
	return func(o *options) error {
		if max < 0 {
			return fmt.Errorf("%w: reconnect backoff %v", ErrInvalidOption, max)
		}
		o.backoffMax = max
		return nil
	}
}

// CustomReconnectDelay replaces ReconnectWait and jitter: the function gets
// the number of full passes over the server pool so far and returns the
// pause before the next pass.
func CustomReconnectDelay(f func(attempts int) time.Duration) Option {
	return func(o *options) error { o.reconnDelay = f; return nil }
}

// ReconnectBufSize bounds the bytes published while disconnected; a negative
// size disables buffering (publishing while disconnected fails).
func ReconnectBufSize(n int) Option {
	return func(o *options) error { o.reconnBufSize = n; return nil }
}

// DontRandomize keeps the given server order instead of shuffling it.
func DontRandomize() Option {
	return func(o *options) error { o.noRandomize = true; return nil }
}

// WriteTimeout bounds one socket write; a server that does not read for this
// long is treated as gone.
func WriteTimeout(d time.Duration) Option {
	return func(o *options) error {
		if d <= 0 {
			return fmt.Errorf("%w: write timeout %v", ErrInvalidOption, d)
		}
		o.writeTimeout = d
		return nil
	}
}

// PendingLimits sets the default per-subscription limits on messages and
// bytes received but not yet handled (negative: unlimited). Past them the
// subscription drops messages and reports ErrSlowConsumer.
func PendingLimits(msgs, bytes int) Option {
	return func(o *options) error {
		if msgs == 0 || bytes == 0 {
			return fmt.Errorf("%w: pending limits must not be zero", ErrInvalidOption)
		}
		o.pendMsgs, o.pendBytes = msgs, bytes
		return nil
	}
}

// Secure requires TLS even for nats:// URLs.
func Secure() Option {
	return func(o *options) error { o.secure = true; return nil }
}

// TLSConfig sets the TLS configuration (cloned; ServerName defaults to the
// URL's host). Implies Secure.
func TLSConfig(cfg *tls.Config) Option {
	return func(o *options) error {
		o.tlsConfig = cfg.Clone()
		o.secure = true
		return nil
	}
}

// RootCAs trusts the PEM certificates in files for verifying the server.
// Implies Secure.
func RootCAs(files ...string) Option {
	return func(o *options) error {
		o.rootCAs = append(o.rootCAs, files...)
		o.secure = true
		return nil
	}
}

// ClientCert presents the certificate and key in the PEM files to the
// server. Implies Secure.
func ClientCert(certFile, keyFile string) Option {
	return func(o *options) error {
		o.certFile, o.keyFile = certFile, keyFile
		o.secure = true
		return nil
	}
}

// TLSHandshakeFirst does the TLS handshake right after the TCP connect,
// before the server's INFO (server option handshake_first). Implies Secure.
func TLSHandshakeFirst() Option {
	return func(o *options) error { o.tlsFirst, o.secure = true, true; return nil }
}

// ErrorHandler sets the callback for asynchronous errors.
func ErrorHandler(cb ErrHandler) Option {
	return func(o *options) error { o.errCB = cb; return nil }
}

// DisconnectHandler sets the callback run when the connection to a server
// is lost.
func DisconnectHandler(cb ConnErrHandler) Option {
	return func(o *options) error { o.disconnectCB = cb; return nil }
}

// ReconnectHandler sets the callback run after a successful reconnect.
func ReconnectHandler(cb ConnHandler) Option {
	return func(o *options) error { o.reconnectCB = cb; return nil }
}

// ClosedHandler sets the callback run once the connection is closed for
// good.
func ClosedHandler(cb ConnHandler) Option {
	return func(o *options) error { o.closedCB = cb; return nil }
}

// DiscoveredServersHandler sets the callback run when the server announces
// new cluster URLs (INFO connect_urls).
func DiscoveredServersHandler(cb ConnHandler) Option {
	return func(o *options) error { o.discoveredCB = cb; return nil }
}
