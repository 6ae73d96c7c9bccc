package server

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// tlsSettings are the values of a tls block (or of the TLS flags) that make
// a *tls.Config.
type tlsSettings struct {
	certFile, keyFile, caFile string
	verify, verifyAndMap      bool
}

// Errors of the TLS flags (config.md §3.2).
var (
	errTLSFlagNoCert = errors.New("TLS Server certificate must be present and valid")
	errTLSFlagNoKey  = errors.New("TLS Server private key must be present and valid")
)

// tlsFromFlags builds the TLS configuration from TLSCert, TLSKey, TLSCaCert
// and TLSVerify after --tls, --tlscert, --tlskey, --tlscacert or --tlsverify
// was given.
func (o *Options) tlsFromFlags() error {
	if o.TLSCert == "" {
		return errTLSFlagNoCert
	}
	if o.TLSKey == "" {
		return errTLSFlagNoKey
	}
	cfg, err := buildTLSConfig(tlsSettings{
		certFile: o.TLSCert, keyFile: o.TLSKey, caFile: o.TLSCaCert,
		verify: o.TLSVerify, verifyAndMap: o.TLSMap,
	})
	if err != nil {
		return err
	}
	o.TLSConfig = cfg
	return nil
}

// buildTLSConfig loads the certificate pair and the CA file. Error texts are
// the reference's (config.md §2.6).
func buildTLSConfig(ts tlsSettings) (*tls.Config, error) {
	switch {
	case ts.certFile != "" && ts.keyFile == "":
		return nil, errors.New("missing 'key_file' in TLS configuration")
	case ts.certFile == "" && ts.keyFile != "":
		return nil, errors.New("missing 'cert_file' in TLS configuration")
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if ts.certFile != "" {
		cert, err := tls.LoadX509KeyPair(ts.certFile, ts.keyFile)
		if err != nil {
			return nil, fmt.Errorf("error parsing X509 certificate/key pair: %v", err)
		}
		leaf, err := x509.ParseCertificate(cert.Certificate[0])
		if err != nil {
			return nil, fmt.Errorf("error parsing certificate: %v", err)
		}
		cert.Leaf = leaf
		cfg.Certificates = []tls.Certificate{cert}
	}
	if ts.verify || ts.verifyAndMap {
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	if ts.caFile != "" {
		pem, err := os.ReadFile(ts.caFile)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, errors.New("failed to parse root ca certificate")
		}
		cfg.ClientCAs = pool
	}
	return cfg, nil
}
