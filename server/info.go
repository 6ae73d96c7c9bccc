package server

import (
	"encoding/json"
	"fmt"
)

// Info is the JSON body of the INFO the server sends to clients. Field order
// and omitempty rules follow the reference byte for byte (protocol.md §2.2).
type Info struct {
	ID                string   `json:"server_id"`
	Name              string   `json:"server_name"`
	Version           string   `json:"version"`
	Proto             int      `json:"proto"`
	GitCommit         string   `json:"git_commit,omitempty"`
	GoVersion         string   `json:"go"`
	Host              string   `json:"host"`
	Port              int      `json:"port"`
	Headers           bool     `json:"headers"`
	AuthRequired      bool     `json:"auth_required,omitempty"`
	TLSRequired       bool     `json:"tls_required,omitempty"`
	TLSVerify         bool     `json:"tls_verify,omitempty"`
	TLSAvailable      bool     `json:"tls_available,omitempty"`
	MaxPayload        int32    `json:"max_payload"`
	JetStream         bool     `json:"jetstream,omitempty"`
	IP                string   `json:"ip,omitempty"`
	CID               uint64   `json:"client_id,omitempty"`
	ClientIP          string   `json:"client_ip,omitempty"`
	Nonce             string   `json:"nonce,omitempty"`
	Cluster           string   `json:"cluster,omitempty"`
	Dynamic           bool     `json:"cluster_dynamic,omitempty"`
	Domain            string   `json:"domain,omitempty"`
	ClientConnectURLs []string `json:"connect_urls,omitempty"`
	WSConnectURLs     []string `json:"ws_connect_urls,omitempty"`
	LameDuckMode      bool     `json:"ldm,omitempty"`
	Compression       string   `json:"compression,omitempty"`
	ConnectInfo       bool     `json:"connect_info,omitempty"`
	RemoteAccount     string   `json:"remote_account,omitempty"`
	IsSystemAccount   bool     `json:"acc_is_sys,omitempty"`
	APILevel          int      `json:"api_lvl,omitempty"`
	XKey              string   `json:"xkey,omitempty"`
}

// appendInfo appends "INFO <json> \r\n" for info to buf.
func appendInfo(buf []byte, info *Info) ([]byte, error) {
	js, err := json.Marshal(info)
	if err != nil {
		return buf, fmt.Errorf("encoding INFO: %w", err)
	}
	buf = append(buf, "INFO "...)
	buf = append(buf, js...)
	return append(buf, " \r\n"...), nil
}
