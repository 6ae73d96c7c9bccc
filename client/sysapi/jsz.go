package sysapi

import (
	"encoding/json"
	"time"
)

// JSInfo is the server JSZ payload. When JetStream is not enabled Disabled is
// true, the counters are 0 and Limits is absent. AccountDetails is set with
// JSzOptions.Accounts (or Account).
type JSInfo struct {
	JetStreamStats
	ID              string           `json:"server_id"`
	Now             time.Time        `json:"now"`
	Disabled        bool             `json:"disabled,omitempty"`
	Config          JetStreamConfig  `json:"config"`
	Limits          *JSLimitOpts     `json:"limits,omitempty"`
	Streams         int              `json:"streams"`
	StreamsLeader   int              `json:"streams_leader,omitempty"`
	Consumers       int              `json:"consumers"`
	ConsumersLeader int              `json:"consumers_leader,omitempty"`
	Messages        uint64           `json:"messages"`
	Bytes           uint64           `json:"bytes"`
	Meta            *MetaClusterInfo `json:"meta_cluster,omitempty"`
	AccountDetails  []*AccountDetail `json:"account_details,omitempty"`
	Total           int              `json:"total"`
}

// AccountDetail is one account in JSInfo.AccountDetails and the payload of
// $SYS.REQ.ACCOUNT.<acc>.JSZ. Name is the account's name tag (else its name),
// ID its name. Unlimited reservations show as 18446744073709551615.
type AccountDetail struct {
	Name string `json:"name"`
	ID   string `json:"id"`
	JetStreamStats
	Streams []StreamDetail `json:"stream_detail,omitempty"`
}

// JetStreamVarz is the "jetstream" block of VARZ and STATSZ; it is {} when
// JetStream is off. STATSZ leaves Config.StoreDir empty.
type JetStreamVarz struct {
	Config *JetStreamConfig `json:"config,omitempty"`
	Stats  *JetStreamStats  `json:"stats,omitempty"`
	Meta   *MetaClusterInfo `json:"meta,omitempty"`
	Limits *JSLimitOpts     `json:"limits,omitempty"`
}

// JetStreamConfig is the server's JetStream configuration. SyncInterval is
// integer nanoseconds.
type JetStreamConfig struct {
	MaxMemory    int64         `json:"max_memory"`
	MaxStore     int64         `json:"max_storage"`
	StoreDir     string        `json:"store_dir,omitempty"`
	SyncInterval time.Duration `json:"sync_interval,omitempty"`
	SyncAlways   bool          `json:"sync_always,omitempty"`
	Domain       string        `json:"domain,omitempty"`
	CompressOK   bool          `json:"compress_ok,omitempty"`
	UniqueTag    string        `json:"unique_tag,omitempty"`
	Strict       bool          `json:"strict,omitempty"`
}

// JetStreamStats are JetStream usage figures, server-wide or per account.
type JetStreamStats struct {
	Memory         uint64            `json:"memory"`
	Store          uint64            `json:"storage"`
	ReservedMemory uint64            `json:"reserved_memory"`
	ReservedStore  uint64            `json:"reserved_storage"`
	Accounts       int               `json:"accounts"`
	HAAssets       int               `json:"ha_assets"`
	API            JetStreamAPIStats `json:"api"`
}

// JetStreamAPIStats counts JetStream API requests; Level is the API level
// (0 when disabled and inside account details).
type JetStreamAPIStats struct {
	Level    int    `json:"level"`
	Total    uint64 `json:"total"`
	Errors   uint64 `json:"errors"`
	Inflight uint64 `json:"inflight,omitempty"`
}

// JSLimitOpts are server-wide JetStream limits; every member is omitted when
// zero. Duplicates and MaxBatchTimeout are integer nanoseconds.
type JSLimitOpts struct {
	MaxRequestBatch           int           `json:"max_request_batch,omitempty"`
	MaxAckPending             int           `json:"max_ack_pending,omitempty"`
	MaxHAAssets               int           `json:"max_ha_assets,omitempty"`
	Duplicates                time.Duration `json:"max_duplicate_window,omitempty"`
	MaxBatchInflightPerStream int           `json:"max_batch_inflight_per_stream,omitempty"`
	MaxBatchInflightTotal     int           `json:"max_batch_inflight_total,omitempty"`
	MaxBatchSize              int           `json:"max_batch_size,omitempty"`
	MaxBatchTimeout           time.Duration `json:"max_batch_timeout,omitempty"`
	DefaultMaxConsumers       int           `json:"default_max_consumers,omitempty"`
}

// MetaClusterInfo describes the JetStream meta group (clustered JetStream).
type MetaClusterInfo struct {
	Name            string             `json:"name,omitempty"`
	Leader          string             `json:"leader,omitempty"`
	Peer            string             `json:"peer,omitempty"`
	Replicas        []*PeerInfo        `json:"replicas,omitempty"`
	Size            int                `json:"cluster_size"`
	QuorumNeeded    int                `json:"quorum_needed"`
	Rescue          bool               `json:"rescue,omitempty"`
	Pending         int                `json:"pending"`
	PendingRequests int                `json:"pending_requests"`
	PendingInfos    int                `json:"pending_infos"`
	Snapshot        *MetaSnapshotStats `json:"snapshot"`
}

// MetaSnapshotStats describes the meta group's snapshot state. LastTime is
// always present (the zero time when no snapshot was taken yet; the
// reference's omitempty has no effect on a time); LastDuration is integer
// nanoseconds.
type MetaSnapshotStats struct {
	PendingEntries uint64        `json:"pending_entries"`
	PendingSize    uint64        `json:"pending_size"`
	LastTime       time.Time     `json:"last_time"`
	LastDuration   time.Duration `json:"last_duration,omitempty"`
}

// PeerInfo describes one member of a replicated group. Active is integer
// nanoseconds since the peer was last seen.
type PeerInfo struct {
	Name    string        `json:"name"`
	Current bool          `json:"current"`
	Offline bool          `json:"offline,omitempty"`
	Active  time.Duration `json:"active"`
	Lag     uint64        `json:"lag,omitempty"`
	Peer    string        `json:"peer"`
	Pending bool          `json:"pending,omitempty"`
}

// StreamDetail describes one stream in AccountDetail.Streams. Config (the
// stream configuration as the JetStream API returns it) is set only with
// JSzOptions.Config and is kept as raw JSON here: its schema belongs to the
// JetStream API, not to the monitoring contract.
type StreamDetail struct {
	Name               string              `json:"name"`
	Created            time.Time           `json:"created"`
	Cluster            *ClusterInfo        `json:"cluster,omitempty"`
	Config             json.RawMessage     `json:"config,omitempty"`
	State              StreamState         `json:"state"`
	Consumer           []*ConsumerInfo     `json:"consumer_detail,omitempty"`
	DirectConsumer     []*ConsumerInfo     `json:"direct_consumer_detail,omitempty"`
	Mirror             *StreamSourceInfo   `json:"mirror,omitempty"`
	Sources            []*StreamSourceInfo `json:"sources,omitempty"`
	RaftGroup          string              `json:"stream_raft_group,omitempty"`
	ConsumerRaftGroups []*RaftGroupDetail  `json:"consumer_raft_groups,omitempty"`
}

// RaftGroupDetail names the raft group of one consumer.
type RaftGroupDetail struct {
	Name      string `json:"name"`
	RaftGroup string `json:"raft_group,omitempty"`
}

// ClusterInfo describes where a stream or consumer runs. Desired (the target
// placement of a group being migrated) is kept as raw JSON.
type ClusterInfo struct {
	Name        string          `json:"name,omitempty"`
	RaftGroup   string          `json:"raft_group,omitempty"`
	Leader      string          `json:"leader,omitempty"`
	LeaderSince *time.Time      `json:"leader_since,omitempty"`
	SystemAcc   bool            `json:"system_account,omitempty"`
	TrafficAcc  string          `json:"traffic_account,omitempty"`
	Replicas    []*PeerInfo     `json:"replicas,omitempty"`
	Desired     json.RawMessage `json:"desired,omitempty"`
}

// StreamState is the state of a stream.
type StreamState struct {
	Msgs        uint64            `json:"messages"`
	Bytes       uint64            `json:"bytes"`
	FirstSeq    uint64            `json:"first_seq"`
	FirstTime   time.Time         `json:"first_ts"`
	LastSeq     uint64            `json:"last_seq"`
	LastTime    time.Time         `json:"last_ts"`
	NumSubjects int               `json:"num_subjects,omitempty"`
	Subjects    map[string]uint64 `json:"subjects,omitempty"`
	NumDeleted  int               `json:"num_deleted,omitempty"`
	Deleted     []uint64          `json:"deleted,omitempty"`
	Lost        *LostStreamData   `json:"lost,omitempty"`
	Consumers   int               `json:"consumer_count"`
}

// LostStreamData lists messages a stream lost (e.g. to corruption).
type LostStreamData struct {
	Msgs  []uint64 `json:"msgs"`
	Bytes uint64   `json:"bytes"`
}

// ConsumerInfo describes one consumer in StreamDetail. Config (set only with
// JSzOptions.Config) is the consumer configuration as raw JSON.
// PauseRemaining is integer nanoseconds.
type ConsumerInfo struct {
	Stream         string               `json:"stream_name"`
	Name           string               `json:"name"`
	Created        time.Time            `json:"created"`
	Config         json.RawMessage      `json:"config,omitempty"`
	Delivered      SequenceInfo         `json:"delivered"`
	AckFloor       SequenceInfo         `json:"ack_floor"`
	NumAckPending  int                  `json:"num_ack_pending"`
	NumRedelivered int                  `json:"num_redelivered"`
	NumWaiting     int                  `json:"num_waiting"`
	NumPending     uint64               `json:"num_pending"`
	Cluster        *ClusterInfo         `json:"cluster,omitempty"`
	PushBound      bool                 `json:"push_bound,omitempty"`
	Paused         bool                 `json:"paused,omitempty"`
	PauseRemaining time.Duration        `json:"pause_remaining,omitempty"`
	TimeStamp      time.Time            `json:"ts"`
	PriorityGroups []PriorityGroupState `json:"priority_groups,omitempty"`
}

// SequenceInfo is a consumer/stream sequence pair with the last activity.
type SequenceInfo struct {
	Consumer uint64     `json:"consumer_seq"`
	Stream   uint64     `json:"stream_seq"`
	Last     *time.Time `json:"last_active,omitempty"`
}

// PriorityGroupState is the state of one consumer priority group.
type PriorityGroupState struct {
	Group          string    `json:"group"`
	PinnedClientID string    `json:"pinned_client_id,omitempty"`
	PinnedTS       time.Time `json:"pinned_ts"`
}

// StreamSourceInfo describes a stream's mirror or one of its sources. Active
// is integer nanoseconds.
type StreamSourceInfo struct {
	Name              string                   `json:"name"`
	External          *ExternalStream          `json:"external,omitempty"`
	Lag               uint64                   `json:"lag"`
	Seq               uint64                   `json:"seq,omitempty"`
	Active            time.Duration            `json:"active"`
	Error             *APIError                `json:"error,omitempty"`
	FilterSubject     string                   `json:"filter_subject,omitempty"`
	SubjectTransforms []SubjectTransformConfig `json:"subject_transforms,omitempty"`
}

// ExternalStream names the API and delivery prefixes of a stream in another
// domain or account.
type ExternalStream struct {
	APIPrefix     string `json:"api"`
	DeliverPrefix string `json:"deliver"`
}

// SubjectTransformConfig maps a source subject to a destination.
type SubjectTransformConfig struct {
	Source      string `json:"src"`
	Destination string `json:"dest"`
}
