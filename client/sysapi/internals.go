package sysapi

import (
	"encoding/json"
	"time"
)

// The payloads in this file describe nats-server internals (Go runtime,
// internal queues, raft groups). A compatible server may report different
// values; the shapes are kept so that tools can decode the reference.

// ExpvarzStatus is the EXPVARZ payload: Go runtime memory statistics and the
// command line, both as raw JSON.
type ExpvarzStatus struct {
	Memstats json.RawMessage `json:"memstats"`
	Cmdline  json.RawMessage `json:"cmdline"`
}

// ProfilezStatus is the PROFILEZ payload: the profile (base64 in JSON, null
// when absent) and an error text, which is always present.
type ProfilezStatus struct {
	Profile []byte `json:"profile"`
	Error   string `json:"error"`
}

// IpqueueszStatus is the IPQUEUESZ payload: internal queue name to its state.
type IpqueueszStatus map[string]IpqueueszStatusIPQ

// IpqueueszStatusIPQ is the state of one internal queue.
type IpqueueszStatusIPQ struct {
	Pending    int `json:"pending"`
	InProgress int `json:"in_progress,omitempty"`
}

// RaftzStatus is the RAFTZ payload: account name to group name to state.
type RaftzStatus map[string]map[string]RaftzGroup

// RaftzGroup is the state of one raft group. WALError is kept as raw JSON.
type RaftzGroup struct {
	ID            string                    `json:"id"`
	State         string                    `json:"state"`
	Size          int                       `json:"size"`
	QuorumNeeded  int                       `json:"quorum_needed"`
	Observer      bool                      `json:"observer,omitempty"`
	Paused        bool                      `json:"paused,omitempty"`
	Overrun       bool                      `json:"overrun,omitempty"`
	OverrunCount  uint64                    `json:"overrun_count,omitempty"`
	Committed     uint64                    `json:"committed"`
	Applied       uint64                    `json:"applied"`
	CatchingUp    bool                      `json:"catching_up,omitempty"`
	Leader        string                    `json:"leader,omitempty"`
	LeaderSince   *time.Time                `json:"leader_since,omitempty"`
	EverHadLeader bool                      `json:"ever_had_leader"`
	Term          uint64                    `json:"term"`
	Vote          string                    `json:"voted_for,omitempty"`
	PTerm         uint64                    `json:"pterm"`
	PIndex        uint64                    `json:"pindex"`
	SystemAcc     bool                      `json:"system_account"`
	TrafficAcc    string                    `json:"traffic_account"`
	IPQPropLen    int                       `json:"ipq_proposal_len"`
	IPQEntryLen   int                       `json:"ipq_entry_len"`
	IPQRespLen    int                       `json:"ipq_resp_len"`
	IPQApplyLen   int                       `json:"ipq_apply_len"`
	WAL           StreamState               `json:"wal"`
	WALError      json.RawMessage           `json:"wal_error,omitempty"`
	Peers         map[string]RaftzGroupPeer `json:"peers"`
}

// RaftzGroupPeer is one peer of a raft group. LastSeen is a human duration.
type RaftzGroupPeer struct {
	Name                string `json:"name"`
	Known               bool   `json:"known"`
	LastReplicatedIndex uint64 `json:"last_replicated_index,omitempty"`
	LastSeen            string `json:"last_seen,omitempty"`
}
