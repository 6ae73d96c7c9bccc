package server

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"
)

// httpReadHeaderTimeout bounds how long the monitoring listener waits for
// a request's headers.
const httpReadHeaderTimeout = 5 * time.Second

// initSystem prepares monitoring and, unless no_system_account, the system
// account's event machinery (New).
func (s *Server) initSystem(o *Options) {
	s.mon = newMonState(s, o)
	if sys := s.SystemAccount(); sys != nil {
		s.sys = newSysState(s, sys)
	}
}

// startSystem starts the HTTP monitoring listener (when configured) and the
// event system (Start, before the client listener).
func (s *Server) startSystem() error {
	if err := s.mon.startHTTP(s.getOpts()); err != nil {
		return err
	}
	if s.sys != nil {
		if err := s.sys.start(); err != nil {
			return fmt.Errorf("starting the system account: %w", err)
		}
	}
	return nil
}

// stopSystem publishes SHUTDOWN, stops the event system and closes the
// monitoring listener. Clients closed afterwards produce no events.
func (s *Server) stopSystem() {
	if st := s.sys; st != nil && st.started.Load() {
		st.shutdown()
	}
	s.mon.stopHTTP()
}

// monitorHostPort returns the host and port the monitoring listener binds:
// http_host (the client host when unset) and http_port (-1: random).
func monitorHostPort(o *Options) (string, int) {
	host := o.HTTPHost
	if host == "" {
		host = o.Host
	}
	return host, o.HTTPPort
}

// startHTTP listens on the monitoring port and serves the handler; no-op
// when http_port is 0.
func (m *monState) startHTTP(o *Options) error {
	host, port := monitorHostPort(o)
	if port == 0 {
		return nil
	}
	hp := net.JoinHostPort(host, strconv.Itoa(max(port, 0)))
	l, err := net.Listen("tcp", hp)
	if err != nil {
		return fmt.Errorf("can't listen to the monitor port: %w", err)
	}
	bound := l.Addr().(*net.TCPAddr).Port
	m.s.log.Noticef("Starting http monitor on %s", net.JoinHostPort(host, strconv.Itoa(bound)))
	srv := &http.Server{Handler: m.handler, ReadHeaderTimeout: httpReadHeaderTimeout}
	m.mu.Lock()
	m.httpL, m.httpSrv = l, srv
	m.mu.Unlock()
	go func() {
		if err := srv.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.s.log.Errorf("Monitoring listener stopped: %v", err)
		}
	}()
	return nil
}

// stopHTTP closes the monitoring listener.
func (m *monState) stopHTTP() {
	m.mu.Lock()
	srv := m.httpSrv
	m.httpSrv = nil
	m.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
	}
}

// MonitorAddr returns the monitoring listener's address, nil when it is not
// listening.
func (s *Server) MonitorAddr() net.Addr {
	s.mon.mu.Lock()
	defer s.mon.mu.Unlock()
	if s.mon.httpL == nil || s.mon.httpSrv == nil {
		return nil
	}
	return s.mon.httpL.Addr()
}
