// One connection of a vehicle Client (client.h) to an RSU's vehicle API, as the client sees it:
// JSON-RPC text frames out, and events in (opened, each text frame, closed). The production link
// is WebSocket over TLS (client.cc, WssDialer); a test dials a link to an RSU in the same
// process, with no socket. A Dialer starts one connection attempt per call (a new one per
// reconnect); its events arrive later, on the client's io_context, never from inside a call to
// the link.
#pragma once

#include <functional>
#include <memory>
#include <string>

namespace v2v::vehicle {

class LinkEvents {
 public:
  virtual ~LinkEvents() = default;
  virtual void OnOpen() = 0;
  virtual void OnText(const std::string& text) = 0;
  virtual void OnClosed(const std::string& why) = 0;  // the attempt failed or the link dropped
};

class Link {
 public:
  virtual ~Link() = default;
  virtual void Send(std::string text) = 0;  // queued until open
  virtual bool open() const = 0;            // opened and not closed since
  virtual void Detach() = 0;                // no more events
  virtual void Close() = 0;                 // detaches, then closes
};

using Dialer = std::function<std::shared_ptr<Link>(std::weak_ptr<LinkEvents> events)>;

}  // namespace v2v::vehicle
