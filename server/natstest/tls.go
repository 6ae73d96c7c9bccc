package natstest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// certValidity is how long generated test certificates are valid.
const certValidity = 24 * time.Hour

// CA is a throw-away certificate authority for tests: certificates are
// generated at run time, nothing secret is stored in the repository.
type CA struct {
	t    testing.TB
	dir  string
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	// CertFile is the PEM file of the CA certificate.
	CertFile string
	// Pool holds the CA certificate.
	Pool   *x509.CertPool
	serial int64
}

// NewCA creates a CA whose files live in a temp dir of t.
func NewCA(t testing.TB) *CA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatalf("natstest: CA key: %v", err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "natstest CA"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(certValidity),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatalf("natstest: CA certificate: %v", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("natstest: CA certificate: %v", err)
	}
	ca := &CA{t: t, dir: t.TempDir(), cert: cert, key: key, Pool: x509.NewCertPool(), serial: 1}
	ca.Pool.AddCert(cert)
	ca.CertFile = ca.write("ca.pem", "CERTIFICATE", der)
	return ca
}

func (ca *CA) write(name, typ string, der []byte) string {
	ca.t.Helper()
	path := filepath.Join(ca.dir, name)
	if err := os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}), 0o600); err != nil {
		ca.t.Fatalf("natstest: %v", err)
	}
	return path
}

// CertSpec describes a certificate to issue.
type CertSpec struct {
	// Subject is the certificate's subject (CommonName etc.).
	Subject pkix.Name
	// DNSNames, IPs, Emails and URIs are the subject alternative names.
	DNSNames []string
	IPs      []net.IP
	Emails   []string
	URIs     []string
	// Client marks a client certificate (server certificate otherwise).
	Client bool
}

// Cert is an issued certificate with its files.
type Cert struct {
	// CertFile and KeyFile are the PEM files.
	CertFile, KeyFile string
	// TLS is the pair for a tls.Config.
	TLS tls.Certificate
}

// Issue signs a certificate for spec; name prefixes its file names.
func (ca *CA) Issue(name string, spec CertSpec) *Cert {
	ca.t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		ca.t.Fatalf("natstest: key: %v", err)
	}
	ca.serial++
	tmpl := &x509.Certificate{
		SerialNumber:   big.NewInt(ca.serial),
		Subject:        spec.Subject,
		NotBefore:      time.Now().Add(-time.Hour),
		NotAfter:       time.Now().Add(certValidity),
		DNSNames:       spec.DNSNames,
		IPAddresses:    spec.IPs,
		EmailAddresses: spec.Emails,
		KeyUsage:       x509.KeyUsageDigitalSignature,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if spec.Client {
		tmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	}
	for _, u := range spec.URIs {
		pu, err := url.Parse(u)
		if err != nil {
			ca.t.Fatalf("natstest: URI %q: %v", u, err)
		}
		tmpl.URIs = append(tmpl.URIs, pu)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		ca.t.Fatalf("natstest: certificate: %v", err)
	}
	kb, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		ca.t.Fatalf("natstest: key: %v", err)
	}
	c := &Cert{
		CertFile: ca.write(name+"-cert.pem", "CERTIFICATE", der),
		KeyFile:  ca.write(name+"-key.pem", "EC PRIVATE KEY", kb),
	}
	c.TLS, err = tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		ca.t.Fatalf("natstest: key pair: %v", err)
	}
	return c
}

// ServerCert issues a certificate for 127.0.0.1 and localhost.
func (ca *CA) ServerCert() *Cert {
	return ca.Issue("server", CertSpec{
		Subject:  pkix.Name{CommonName: "localhost"},
		DNSNames: []string{"localhost"},
		IPs:      []net.IP{net.ParseIP("127.0.0.1")},
	})
}

// ClientConfig returns a TLS client configuration trusting the CA, with
// the client certificate cert (nil for none).
func (ca *CA) ClientConfig(cert *Cert) *tls.Config {
	cfg := &tls.Config{RootCAs: ca.Pool, ServerName: "localhost", MinVersion: tls.VersionTLS12}
	if cert != nil {
		cfg.Certificates = []tls.Certificate{cert.TLS}
	}
	return cfg
}

// DialTLS connects to addr, reads the clear-text INFO, then starts TLS with
// cfg; the returned Conn talks over TLS. It fails the test when the
// handshake fails (use DialTLSErr to observe that).
func DialTLS(t testing.TB, addr string, cfg *tls.Config) *Conn {
	t.Helper()
	c, err := DialTLSErr(t, addr, cfg, false)
	if err != nil {
		t.Fatalf("natstest: TLS handshake with %s: %v", addr, err)
	}
	return c
}

// DialTLSErr is DialTLS returning the handshake error. With first the
// handshake starts right away (handshake_first servers) and INFO is read
// over TLS.
func DialTLSErr(t testing.TB, addr string, cfg *tls.Config, first bool) (*Conn, error) {
	t.Helper()
	c := DialRaw(t, addr)
	if !first {
		c.InfoLine = c.ReadLine()
		if !strings.HasPrefix(c.InfoLine, "INFO ") {
			t.Fatalf("natstest: expected INFO, got %q", c.InfoLine)
		}
		c.Info = ParseInfo(t, c.InfoLine)
	}
	tc := tls.Client(c.nc, cfg)
	_ = tc.SetDeadline(time.Now().Add(c.Timeout))
	if err := tc.Handshake(); err != nil {
		return c, err
	}
	_ = tc.SetDeadline(time.Time{})
	c.nc = tc
	t.Cleanup(func() { _ = tc.Close() })
	if first {
		c.InfoLine = c.ReadLine()
		c.Info = ParseInfo(t, c.InfoLine)
	}
	return c, nil
}
