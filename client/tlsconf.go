package client

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"
)

// tlsConfigFor builds the TLS client configuration for srv from the options.
func (o *options) tlsConfigFor(srv *server) (*tls.Config, error) {
	var cfg *tls.Config
	if o.tlsConfig != nil {
		cfg = o.tlsConfig.Clone()
	} else {
		cfg = &tls.Config{MinVersion: tls.VersionTLS12}
	}
	if len(o.rootCAs) > 0 {
		pool := x509.NewCertPool()
		for _, f := range o.rootCAs {
			pem, err := os.ReadFile(f)
			if err != nil {
				return nil, fmt.Errorf("client: root CA: %w", err)
			}
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("client: root CA %s: no PEM certificate found", f)
			}
		}
		cfg.RootCAs = pool
	}
	if o.certFile != "" || o.keyFile != "" {
		cert, err := tls.LoadX509KeyPair(o.certFile, o.keyFile)
		if err != nil {
			return nil, fmt.Errorf("client: client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if cfg.ServerName == "" {
		cfg.ServerName = srv.url.Hostname()
		if srv.tlsName != "" {
			cfg.ServerName = srv.tlsName
		}
	}
	return cfg, nil
}
