package client

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// testPKI is a throw-away CA with a server and a client certificate,
// written as PEM files into a temp dir.
type testPKI struct {
	caFile, serverCert, serverKey, clientCert, clientKey string
}

func newTestPKI(t *testing.T) testPKI {
	t.Helper()
	dir := t.TempDir()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "natsys test CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(time.Hour),
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	caCert, _ := x509.ParseCertificate(caDER)
	var p testPKI
	p.caFile = writePEM(t, dir, "ca.pem", "CERTIFICATE", caDER)
	leaf := func(name string, serial int64, usage x509.ExtKeyUsage) (string, string) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		tmpl := &x509.Certificate{
			SerialNumber: big.NewInt(serial),
			Subject:      pkix.Name{CommonName: name},
			NotBefore:    now.Add(-time.Hour),
			NotAfter:     now.Add(time.Hour),
			KeyUsage:     x509.KeyUsageDigitalSignature,
			ExtKeyUsage:  []x509.ExtKeyUsage{usage},
			DNSNames:     []string{"localhost"},
			IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		keyDER, err := x509.MarshalECPrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		return writePEM(t, dir, name+"-cert.pem", "CERTIFICATE", der),
			writePEM(t, dir, name+"-key.pem", "EC PRIVATE KEY", keyDER)
	}
	p.serverCert, p.serverKey = leaf("server", 2, x509.ExtKeyUsageServerAuth)
	p.clientCert, p.clientKey = leaf("client", 3, x509.ExtKeyUsageClientAuth)
	return p
}

func writePEM(t *testing.T, dir, name, typ string, der []byte) string {
	t.Helper()
	return writeFileIn(t, dir, name, string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})))
}

func writeFileIn(t *testing.T, dir, name, data string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(data), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p testPKI) conf(extra string) string {
	return fmt.Sprintf("tls {\n  cert_file: %s\n  key_file: %s\n  ca_file: %s\n  verify: true\n%s}\n",
		confQuote(p.serverCert), confQuote(p.serverKey), confQuote(p.caFile), extra)
}

func TestTLS(t *testing.T) {
	pki := newTestPKI(t)
	url, _ := startServer(t, pki.conf(""))
	tlsURL := "tls://" + strings.TrimPrefix(url, "nats://")
	good := []Option{RootCAs(pki.caFile), ClientCert(pki.clientCert, pki.clientKey)}

	for _, u := range []string{url, tlsURL} {
		c := connect(t, u, good...)
		if !c.ServerInfo().TLSRequired {
			t.Fatal("server does not say tls_required")
		}
		sub, _ := c.SubscribeSync("secure")
		_ = c.Publish("secure", []byte("tls"))
		if m := nextMsg(t, sub); string(m.Data) != "tls" {
			t.Fatalf("got %q", m.Data)
		}
	}
	tests := []struct {
		name string
		opts []Option
	}{
		{"unknown CA", []Option{ClientCert(pki.clientCert, pki.clientKey)}},
		{"no client certificate", []Option{RootCAs(pki.caFile)}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if c, err := Connect(url, append(tc.opts, Timeout(time.Second))...); err == nil {
				// TLS 1.3 reports a refused client certificate only at the
				// first read: the handshake PONG must then fail.
				c.Close()
				t.Fatal("connected")
			}
		})
	}
	// A plain server cannot satisfy a client that wants TLS.
	plain, _ := startServer(t, "")
	if _, err := Connect(plain, RootCAs(pki.caFile)); !errors.Is(err, ErrSecureConnWanted) {
		t.Fatalf("plain server: %v", err)
	}
	// A TLS config given directly works too.
	cfg, err := (&options{rootCAs: []string{pki.caFile}, certFile: pki.clientCert, keyFile: pki.clientKey}).
		tlsConfigFor(&server{url: mustURL(t, url)})
	if err != nil {
		t.Fatal(err)
	}
	c := connect(t, url, TLSConfig(&tls.Config{RootCAs: cfg.RootCAs, Certificates: cfg.Certificates, MinVersion: tls.VersionTLS12}))
	flush(t, c)
}

func TestTLSHandshakeFirst(t *testing.T) {
	pki := newTestPKI(t)
	url, _ := startServer(t, pki.conf("  handshake_first: true\n"))
	c := connect(t, url, TLSHandshakeFirst(), RootCAs(pki.caFile), ClientCert(pki.clientCert, pki.clientKey))
	flush(t, c)
	// Without handshake-first the client waits for an INFO that never comes.
	if _, err := Connect(url, RootCAs(pki.caFile), ClientCert(pki.clientCert, pki.clientKey),
		Timeout(500*time.Millisecond)); err == nil {
		t.Fatal("connected without handshake-first")
	}
}

func mustURL(t *testing.T, s string) *url.URL {
	t.Helper()
	u, err := parseURL(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
