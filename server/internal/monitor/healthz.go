package monitor

import (
	"net/http"

	"github.com/natsys/natsys/client/sysapi"
)

// Healthz builds the HEALTHZ payload; opts may be nil. The outcome is inside
// the status (Status, StatusCode), never an error: option problems give 400
// "error", a server that is not ready 500 "error". With opts.Details the
// problem is listed in Errors instead of Error. JetStream is not built, so
// its checks (and the JetStream options) pass. The error is always nil (the
// signature matches the other builders).
func Healthz(src Source, opts *sysapi.HealthzOptions) (*sysapi.HealthStatus, error) {
	var o sysapi.HealthzOptions
	if opts != nil {
		o = *opts
	}
	switch {
	case o.Stream != "" && o.Account == "":
		return unhealthy(&o, http.StatusBadRequest, sysapi.HealthzErrorBadRequest, errTextStreamNoAcc), nil
	case o.Consumer != "" && o.Stream == "":
		return unhealthy(&o, http.StatusBadRequest, sysapi.HealthzErrorBadRequest, errTextConsumerNoStrm), nil
	}
	if err := src.Ready(); err != nil {
		return unhealthy(&o, http.StatusInternalServerError, sysapi.HealthzErrorConn, err.Error()), nil
	}
	return &sysapi.HealthStatus{Status: sysapi.HealthStatusOK, StatusCode: http.StatusOK}, nil
}

// unhealthy returns an "error" status with code and text, as a single error
// or as a one-entry list in details mode.
func unhealthy(o *sysapi.HealthzOptions, code int, typ sysapi.HealthzErrorType, text string) *sysapi.HealthStatus {
	hs := &sysapi.HealthStatus{Status: sysapi.HealthStatusError, StatusCode: code}
	if o.Details {
		hs.Errors = []sysapi.HealthzError{{Type: typ, Error: text}}
	} else {
		hs.Error = text
	}
	return hs
}
