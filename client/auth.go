package client

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"os"

	"github.com/nats-io/jwt/v2"
	"github.com/nats-io/nkeys"
)

// ServerInfo is the server's INFO: who it is and what it supports. Fields
// the client does not use are left out.
type ServerInfo struct {
	ServerID     string   `json:"server_id"`
	ServerName   string   `json:"server_name"`
	Version      string   `json:"version"`
	Proto        int      `json:"proto"`
	GitCommit    string   `json:"git_commit,omitempty"`
	Go           string   `json:"go"`
	Host         string   `json:"host"`
	Port         int      `json:"port"`
	Headers      bool     `json:"headers"`
	AuthRequired bool     `json:"auth_required,omitempty"`
	TLSRequired  bool     `json:"tls_required,omitempty"`
	TLSVerify    bool     `json:"tls_verify,omitempty"`
	TLSAvailable bool     `json:"tls_available,omitempty"`
	MaxPayload   int64    `json:"max_payload"`
	JetStream    bool     `json:"jetstream,omitempty"`
	ClientID     uint64   `json:"client_id,omitempty"`
	ClientIP     string   `json:"client_ip,omitempty"`
	Nonce        string   `json:"nonce,omitempty"`
	Cluster      string   `json:"cluster,omitempty"`
	Domain       string   `json:"domain,omitempty"`
	ConnectURLs  []string `json:"connect_urls,omitempty"`
	LameDuckMode bool     `json:"ldm,omitempty"`
	ConnectInfo  bool     `json:"connect_info,omitempty"`
	Account      string   `json:"remote_account,omitempty"`
	IsSystem     bool     `json:"acc_is_sys,omitempty"`
}

// connectMsg is the JSON body of CONNECT.
type connectMsg struct {
	Verbose      bool   `json:"verbose"`
	Pedantic     bool   `json:"pedantic"`
	TLSRequired  bool   `json:"tls_required"`
	User         string `json:"user,omitempty"`
	Pass         string `json:"pass,omitempty"`
	Token        string `json:"auth_token,omitempty"`
	Name         string `json:"name,omitempty"`
	Lang         string `json:"lang"`
	Version      string `json:"version"`
	Protocol     int    `json:"protocol"`
	Echo         bool   `json:"echo"`
	Headers      bool   `json:"headers"`
	NoResponders bool   `json:"no_responders"`
	JWT          string `json:"jwt,omitempty"`
	Nkey         string `json:"nkey,omitempty"`
	Sig          string `json:"sig,omitempty"`
}

// loadCreds reads a credentials file: the user JWT and its key pair.
func loadCreds(path string) (string, nkeys.KeyPair, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", nil, fmt.Errorf("credentials: %w", err)
	}
	tok, err := jwt.ParseDecoratedJWT(data)
	if err != nil {
		return "", nil, fmt.Errorf("credentials %s: %w", path, err)
	}
	kp, err := jwt.ParseDecoratedUserNKey(data)
	if err != nil {
		return "", nil, fmt.Errorf("credentials %s: %w", path, err)
	}
	return tok, kp, nil
}

// signNonce signs the INFO nonce, base64 RawURL encoded as servers expect.
func signNonce(kp nkeys.KeyPair, nonce string) (string, error) {
	sig, err := kp.Sign([]byte(nonce))
	if err != nil {
		return "", fmt.Errorf("client: sign nonce: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(sig), nil
}

// connectJSON builds the CONNECT line for a server whose INFO is info,
// reached through u (whose userinfo, if any, wins over the options).
func (o *options) connectJSON(info *ServerInfo, u *url.URL, secure bool) ([]byte, error) {
	cm := connectMsg{
		TLSRequired:  secure,
		Name:         o.name,
		Lang:         lang,
		Version:      Version,
		Protocol:     1,
		Echo:         !o.noEcho,
		Headers:      true,
		NoResponders: info.Headers,
		User:         o.user,
		Pass:         o.pass,
		Token:        o.token,
	}
	if u != nil && u.User != nil {
		if p, ok := u.User.Password(); ok {
			cm.User, cm.Pass, cm.Token = u.User.Username(), p, ""
		} else {
			cm.User, cm.Pass, cm.Token = "", "", u.User.Username()
		}
	}
	var kp nkeys.KeyPair
	switch {
	case o.credsFile != "":
		tok, k, err := loadCreds(o.credsFile)
		if err != nil {
			return nil, fmt.Errorf("client: %w", err)
		}
		cm.JWT, kp = tok, k
	case o.userJWT != "":
		k, err := nkeys.FromSeed(o.userSeed)
		if err != nil {
			return nil, fmt.Errorf("client: user seed: %w", err)
		}
		cm.JWT, kp = o.userJWT, k
	case o.nkeySeed != nil:
		k, err := nkeys.FromSeed(o.nkeySeed)
		if err != nil {
			return nil, fmt.Errorf("client: nkey seed: %w", err)
		}
		cm.Nkey, kp = o.nkeyPub, k
	}
	if kp != nil {
		defer kp.Wipe()
		if info.Nonce != "" {
			sig, err := signNonce(kp, info.Nonce)
			if err != nil {
				return nil, err
			}
			cm.Sig = sig
		}
	}
	b, err := json.Marshal(&cm)
	if err != nil {
		return nil, fmt.Errorf("client: encode CONNECT: %w", err)
	}
	return b, nil
}
