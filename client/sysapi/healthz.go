package sysapi

// HealthStatus is the HEALTHZ payload. StatusCode is present in NATS replies
// and removed over HTTP, where it becomes the response status. Error is used
// in plain mode, Errors with HealthzOptions.Details.
type HealthStatus struct {
	Status     string         `json:"status"`
	StatusCode int            `json:"status_code,omitempty"`
	Error      string         `json:"error,omitempty"`
	Errors     []HealthzError `json:"errors,omitempty"`
}

// HealthzError is one problem reported in HealthStatus.Errors.
type HealthzError struct {
	Type     HealthzErrorType `json:"type"`
	Account  string           `json:"account,omitempty"`
	Stream   string           `json:"stream,omitempty"`
	Consumer string           `json:"consumer,omitempty"`
	Error    string           `json:"error,omitempty"`
}

// HealthzErrorType classifies a HealthzError.
type HealthzErrorType string

// Health error types.
const (
	HealthzErrorConn       HealthzErrorType = "CONNECTION"
	HealthzErrorBadRequest HealthzErrorType = "BAD_REQUEST"
	HealthzErrorJetStream  HealthzErrorType = "JETSTREAM"
	HealthzErrorAccount    HealthzErrorType = "ACCOUNT"
	HealthzErrorStream     HealthzErrorType = "STREAM"
	HealthzErrorConsumer   HealthzErrorType = "CONSUMER"
)

// Values of HealthStatus.Status.
const (
	HealthStatusOK          = "ok"
	HealthStatusError       = "error"
	HealthStatusUnavailable = "unavailable"
)
