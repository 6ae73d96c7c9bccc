package sysapi

// APIError is the "error" object of a service reply. Code is 400 when the
// request body could not be decoded and 500 when the endpoint failed.
type APIError struct {
	Code        int    `json:"code"`
	ErrCode     uint16 `json:"err_code,omitempty"`
	Description string `json:"description,omitempty"`
}

// Error implements the error interface with the description text.
func (e *APIError) Error() string {
	return e.Description
}

// Error codes used in APIError.Code.
const (
	// APIErrBadRequest: the request body could not be decoded.
	APIErrBadRequest = 400
	// APIErrInternal: the endpoint failed.
	APIErrInternal = 500
)

// ServerAPIResponse is the envelope of a monitoring service reply:
// {"server":{...},"data":{...}} on success and
// {"server":{...},"data":null,"error":{...}} when the endpoint failed.
// "data" is always present (null when Data is nil). Replies that carry no
// data key at all (400 decode errors, KICK/LDM/RELOAD) use ServerAPIStatus;
// ServerAPIResponse decodes them too, leaving Data nil.
type ServerAPIResponse[T any] struct {
	Server ServerInfo `json:"server"`
	Data   *T         `json:"data"`
	Error  *APIError  `json:"error,omitempty"`
}

// ServerAPIStatus is a reply envelope without a "data" key: the success reply
// of KICK, LDM and RELOAD ({"server":{...}}), their 500 errors, and every 400
// (bad request body) error, including those of STATSZ/PING.
type ServerAPIStatus struct {
	Server ServerInfo `json:"server"`
	Error  *APIError  `json:"error,omitempty"`
}

// Envelopes of the individual endpoints.
type (
	// VarzResponse is the reply of VARZ.
	VarzResponse = ServerAPIResponse[Varz]
	// ConnzResponse is the reply of server and account CONNZ.
	ConnzResponse = ServerAPIResponse[Connz]
	// RoutezResponse is the reply of ROUTEZ.
	RoutezResponse = ServerAPIResponse[Routez]
	// GatewayzResponse is the reply of GATEWAYZ.
	GatewayzResponse = ServerAPIResponse[Gatewayz]
	// LeafzResponse is the reply of server and account LEAFZ.
	LeafzResponse = ServerAPIResponse[Leafz]
	// SubszResponse is the reply of server and account SUBSZ.
	SubszResponse = ServerAPIResponse[Subsz]
	// JszResponse is the reply of server JSZ.
	JszResponse = ServerAPIResponse[JSInfo]
	// AccountJszResponse is the reply of $SYS.REQ.ACCOUNT.<acc>.JSZ.
	AccountJszResponse = ServerAPIResponse[AccountDetail]
	// AccountzResponse is the reply of ACCOUNTZ.
	AccountzResponse = ServerAPIResponse[Accountz]
	// AccountInfoResponse is the reply of $SYS.REQ.ACCOUNT.<acc>.INFO.
	AccountInfoResponse = ServerAPIResponse[AccountInfo]
	// AccountStatzResponse is the reply of account STATZ.
	AccountStatzResponse = ServerAPIResponse[AccountStatz]
	// HealthzResponse is the reply of HEALTHZ.
	HealthzResponse = ServerAPIResponse[HealthStatus]
	// UserInfoResponse is the reply of $SYS.REQ.USER.INFO.
	UserInfoResponse = ServerAPIResponse[UserInfo]
	// ExpvarzResponse is the reply of EXPVARZ.
	ExpvarzResponse = ServerAPIResponse[ExpvarzStatus]
	// ProfilezResponse is the reply of PROFILEZ.
	ProfilezResponse = ServerAPIResponse[ProfilezStatus]
	// IpqueueszResponse is the reply of IPQUEUESZ.
	IpqueueszResponse = ServerAPIResponse[IpqueueszStatus]
	// RaftzResponse is the reply of RAFTZ.
	RaftzResponse = ServerAPIResponse[RaftzStatus]
)

// ServerAPIClaimUpdateResponse is the reply to an account JWT update on
// $SYS.REQ.ACCOUNT.<acc>.CLAIMS.UPDATE or $SYS.ACCOUNT.<acc>.CLAIMS.UPDATE.
type ServerAPIClaimUpdateResponse struct {
	Server ServerInfo         `json:"server"`
	Data   *ClaimUpdateStatus `json:"data,omitempty"`
	Error  *ClaimUpdateError  `json:"error,omitempty"`
}

// ClaimUpdateStatus is the success "data" of a claim update reply.
type ClaimUpdateStatus struct {
	Account string `json:"account,omitempty"`
	Code    int    `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}

// ClaimUpdateError is the "error" of a claim update reply.
type ClaimUpdateError struct {
	Account     string `json:"account,omitempty"`
	Code        int    `json:"code"`
	Description string `json:"description,omitempty"`
}
