package server

import (
	"math/rand/v2"
	"time"
)

// EnterLameDuckMode starts lame duck mode (config.md §4.4) and returns at once:
// the client listener is closed, clients that understand async INFO get one
// with "ldm":true, and after lame_duck_grace_period the clients are closed
// (reason "Server Shutdown") spread over the rest of lame_duck_duration; then
// the server shuts down (WaitForShutdown returns). A Shutdown meanwhile
// stops it at once. Calling it again has no effect.
func (s *Server) EnterLameDuckMode() {
	s.mu.Lock()
	if s.shutdown || s.ldm || !s.running {
		s.mu.Unlock()
		return
	}
	s.log.Noticef("Entering lame duck mode, stop accepting new clients")
	s.ldm = true
	l := s.listener
	s.listener = nil
	acceptDone := s.acceptDone
	stop := make(chan struct{})
	s.ldmStop = stop
	s.mu.Unlock()
	if s.sys != nil {
		s.sys.lameDuck()
	}
	if l != nil {
		_ = l.Close()
		<-acceptDone
	}
	go s.lameDuck(stop)
}

// InLameDuckMode reports whether lame duck mode was entered.
func (s *Server) InLameDuckMode() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.ldm
}

func (s *Server) lameDuck(stop <-chan struct{}) {
	o := s.getOpts()
	clients := s.clientList()
	if len(clients) == 0 {
		s.Shutdown()
		return
	}
	gp := o.LameDuckGracePeriod
	if gp < 0 {
		gp = -gp
	}
	dur := o.LameDuckDuration - gp
	if dur <= 0 {
		dur = time.Second
	}
	n := time.Duration(len(clients))
	batch := 1
	si := dur / n
	switch {
	case si < 1:
		si = 1
		batch = int(n / dur)
	case si > lameDuckMinInterval:
		si = lameDuckMinInterval
	}
	rand.Shuffle(len(clients), func(i, j int) { clients[i], clients[j] = clients[j], clients[i] })
	s.sendLameDuckInfo(clients)

	t := time.NewTimer(gp)
	defer t.Stop()
	select {
	case <-t.C:
		s.log.Noticef("Closing existing clients")
	case <-stop:
		return
	}
	for i, c := range clients {
		c.closeConnection(reasonServerShutdown, true)
		if i == len(clients)-1 {
			break
		}
		if batch == 1 || i%batch == 0 {
			v := max(rand.N(si), si/2)
			t.Reset(v)
			select {
			case <-t.C:
			case <-stop:
				return
			}
		}
	}
	s.Shutdown()
}

// sendLameDuckInfo sends the INFO with "ldm":true to every client that sent
// CONNECT with protocol >= 1 and has had its first PONG.
func (s *Server) sendLameDuckInfo(clients []*client) {
	o := s.getOpts()
	ac := s.auth.Load()
	for _, c := range clients {
		c.mu.Lock()
		eligible := c.pongSeen && !c.closed
		c.mu.Unlock()
		if !eligible {
			continue
		}
		info := s.infoFor(o, ac, c)
		info.LameDuckMode = true
		b, err := appendInfo(nil, info)
		if err != nil {
			s.log.Errorf("%v", err)
			continue
		}
		c.sendNow(b)
	}
}
