package sysapi

import "time"

// UserInfo is the payload of $SYS.REQ.USER.INFO: who the requester is.
// Expires is integer nanoseconds until the credentials expire.
type UserInfo struct {
	UserID      string        `json:"user"`
	Account     string        `json:"account"`
	AccountName string        `json:"account_name,omitempty"`
	UserName    string        `json:"user_name,omitempty"`
	Permissions *Permissions  `json:"permissions,omitempty"`
	Expires     time.Duration `json:"expires,omitempty"`
}

// Permissions are a user's effective publish, subscribe and response
// permissions. Publish and Subscribe are null when not set.
type Permissions struct {
	Publish   *SubjectPermission  `json:"publish"`
	Subscribe *SubjectPermission  `json:"subscribe"`
	Response  *ResponsePermission `json:"responses,omitempty"`
}

// ResponsePermission allows replies to received requests: at most MaxMsgs
// replies within Expires (integer nanoseconds).
type ResponsePermission struct {
	MaxMsgs int           `json:"max"`
	Expires time.Duration `json:"ttl"`
}
