#pragma once
// Definitions for http/detail/transport.hpp: what http::client::async_send runs: the plan of a request (framing, lengths, payload
// hash), its attempts on pooled connections, retries with backoff, clock-skew correction,
// and the observer's events.

#include <cirrus/http/detail/exchange.hpp>
#include <cirrus/http/detail/pool.hpp>
#include <cirrus/http/detail/transport.hpp>
#include <cirrus/http/error.hpp>
#include <cirrus/http/message.hpp>
#include <cirrus/http/observer.hpp>
#include <cirrus/http/options.hpp>
#include <cirrus/http/retry.hpp>

#include <boost/asio/steady_timer.hpp>

#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace cirrus::http {

namespace detail {

inline bool is_s3_style(const request& req) noexcept { return req.signing.content_sha256_header; }

// Works out framing, lengths and the payload hash once per request.
inline error_code make_plan(const client_state& st, const request& req, request_plan& plan) {
    const client_options& o = st.options;
    const request_body& b = req.body;
    if (req.endpoint.host.empty()) return make_error_code(errc::invalid_endpoint);
    // Files by name are opened by the service clients (S3); the transport sends descriptors.
    if (b.type() == request_body::kind::path || (b.type() == request_body::kind::file && !b.size()) ||
        req.sink.type() == response_sink::kind::path)
        return make_error_code(cirrus::errc::invalid_argument);
    if (req.endpoint.host_header.empty()) {
        plan.host_header_storage =
            endpoint(req.endpoint.scheme, std::string(req.endpoint.host), req.endpoint.port).host_header();
        plan.host_header = plan.host_header_storage;
    } else {
        plan.host_header = req.endpoint.host_header;
    }
    plan.replayable = b.replayable();
    plan.sign = req.signing.credentials != nullptr;
    plan.chunk_size = std::max<std::size_t>(req.signing.chunk_size, 8 * 1024);
    const bool known = b.size().has_value();
    plan.decoded_length = b.type() == request_body::kind::none ? 0 : b.size().value_or(0);

    payload_signing mode = req.signing.payload;
    if (const auto& trailer = req.signing.trailer_checksum) {
        // A trailer needs the size up front (Content-Length covers the framing) and an
        // aws-chunked payload hash; the SDKs' choice for automatic: signed chunks where
        // nothing else protects the body, none over TLS.
        if (!known) return make_error_code(cirrus::errc::invalid_argument);
        const bool sigv4a = !req.signing.region_set.empty();
        if (!plan.sign) mode = payload_signing::unsigned_payload;
        else if (mode == payload_signing::automatic)
            mode = req.endpoint.scheme == scheme::https || sigv4a ? payload_signing::unsigned_payload
                                                                  : payload_signing::streaming;
        if (sigv4a && mode == payload_signing::streaming) return make_error_code(cirrus::errc::unsupported);
        if (mode != payload_signing::unsigned_payload && mode != payload_signing::streaming)
            return make_error_code(cirrus::errc::invalid_argument);
        plan.trailer = *trailer;
        plan.frame = framing::aws_chunked;
        plan.chunk_signatures = mode == payload_signing::streaming;
        plan.payload_hash = plan.chunk_signatures ? auth::sigv4::payload::streaming_signed_trailer
                                                  : auth::sigv4::payload::streaming_unsigned_trailer;
    } else if (plan.sign && mode == payload_signing::automatic) {
        if (b.type() == request_body::kind::none || b.type() == request_body::kind::memory || !is_s3_style(req))
            mode = payload_signing::sha256;
        else if (req.endpoint.scheme == scheme::https || !known) mode = payload_signing::unsigned_payload;
        else if (!req.signing.region_set.empty()) // no signed chunks with SigV4a
            mode = payload_signing::sha256;
        else mode = payload_signing::streaming;
    }
    if (plan.sign && !plan.trailer) {
        switch (mode) {
        case payload_signing::automatic:
        case payload_signing::sha256: {
            if (b.type() == request_body::kind::none ||
                (b.type() == request_body::kind::memory && b.memory_bytes().empty())) {
                plan.payload_hash = crypto::empty_sha256_hex; // most requests: no hasher to set up
                break;
            }
            crypto::sha256_hasher hasher;
            switch (b.type()) {
            case request_body::kind::none:
            case request_body::kind::path: break; // refused above
            case request_body::kind::memory: hasher.update(b.memory_bytes()); break;
            case request_body::kind::file:
                if (cirrus::detail::read_blocks(b.fd(), b.file_offset(), plan.decoded_length, o.io_buffer_size,
                                                [&](const std::uint8_t* p, std::size_t n) { hasher.update(p, n); }))
                    return make_error_code(errc::body_source_failed);
                break;
            case request_body::kind::generator: {
                if (!b.replayable()) return make_error_code(errc::body_not_replayable);
                std::vector<std::uint8_t> tmp(o.io_buffer_size);
                for (;;) {
                    std::size_t got = 0;
                    if (auto e = fill_from_generator(b, tmp.data(), tmp.size(), got)) return e;
                    if (got == 0) break;
                    hasher.update(tmp.data(), got);
                }
                if (!b.rewind()()) return make_error_code(errc::body_not_replayable);
                break;
            }
            }
            const auto digest = hasher.finish();
            hex::encode_to(digest, plan.hash_storage.data());
            plan.payload_hash = std::string_view(plan.hash_storage.data(), plan.hash_storage.size());
            break;
        }
        case payload_signing::unsigned_payload: plan.payload_hash = auth::sigv4::payload::unsigned_payload; break;
        case payload_signing::precomputed:
            if (req.signing.payload_hash.empty()) return make_error_code(cirrus::errc::invalid_argument);
            plan.payload_hash = req.signing.payload_hash;
            break;
        case payload_signing::streaming:
            if (!req.signing.region_set.empty()) return make_error_code(cirrus::errc::unsupported);
            if (!known || b.type() == request_body::kind::none) return make_error_code(cirrus::errc::invalid_argument);
            plan.payload_hash = auth::sigv4::payload::streaming_signed;
            plan.frame = framing::aws_chunked;
            plan.chunk_signatures = true;
            break;
        }
    }
    if (plan.frame != framing::aws_chunked && b.type() == request_body::kind::generator && !known)
        plan.frame = framing::chunked;

    if (plan.frame == framing::aws_chunked) {
        namespace chunked = auth::sigv4::chunked;
        if (plan.trailer) {
            const std::uint64_t line = crypto::checksum_header_name(*plan.trailer).size() + 1 +
                                       base64::encoded_size(crypto::checksum_size(*plan.trailer));
            plan.content_length = plan.chunk_signatures
                                      ? chunked::signed_trailer_encoded_length(plan.decoded_length, plan.chunk_size,
                                                                               line)
                                      : chunked::unsigned_encoded_length(plan.decoded_length, plan.chunk_size, line);
        } else {
            plan.content_length = chunked::signed_encoded_length(plan.decoded_length, plan.chunk_size);
        }
        plan.has_content_length = true;
        // The transport frames the body: the headers that describe the framing are its own,
        // and the request's content codings follow "aws-chunked" in one header.
        for (const auto& f : req.headers) {
            if (iequals(f.name, "x-amz-decoded-content-length") || iequals(f.name, "x-amz-trailer"))
                return make_error_code(cirrus::errc::invalid_argument);
            if (!iequals(f.name, "content-encoding")) continue;
            for (std::string_view rest = f.value; !rest.empty();) {
                const auto comma = rest.find(',');
                std::string_view coding = rest.substr(0, comma);
                rest = comma == std::string_view::npos ? std::string_view{} : rest.substr(comma + 1);
                while (!coding.empty() && (coding.front() == ' ' || coding.front() == '\t')) coding.remove_prefix(1);
                while (!coding.empty() && (coding.back() == ' ' || coding.back() == '\t')) coding.remove_suffix(1);
                if (coding.empty() || iequals(coding, "aws-chunked")) continue;
                if (plan.content_encoding_storage.empty()) plan.content_encoding_storage = "aws-chunked";
                plan.content_encoding_storage += ',';
                plan.content_encoding_storage += coding;
            }
        }
        if (!plan.content_encoding_storage.empty()) plan.content_encoding = plan.content_encoding_storage;
        const auto r = std::to_chars(plan.decoded_length_text.data(),
                                     plan.decoded_length_text.data() + plan.decoded_length_text.size(),
                                     plan.decoded_length);
        plan.decoded_length_view = std::string_view(plan.decoded_length_text.data(),
                                                    static_cast<std::size_t>(r.ptr - plan.decoded_length_text.data()));
    } else if (plan.frame == framing::identity) {
        plan.content_length = plan.decoded_length;
        plan.has_content_length = b.type() != request_body::kind::none || req.method == verb::post ||
                                  req.method == verb::put || req.method == verb::patch;
    }
    const bool has_body = b.type() != request_body::kind::none && (!known || plan.decoded_length != 0);
    plan.expect_continue = has_body && (req.expect_continue || (o.expect_continue_threshold != 0 && known &&
                                                                plan.decoded_length >= o.expect_continue_threshold));
    return {};
}

// One attempt: a connection from the pool and one exchange on it. A pooled connection
// that turns out dead before any response byte is replaced, without counting as an
// attempt, when the body can be sent again.
inline asio::awaitable<error_code> run_attempt(std::shared_ptr<client_state> st, const request& req,
                                               const request_plan& plan, response& res, attempt_result& ar,
                                               clock::time_point deadline) {
    for (int replaced = 0;; ++replaced) {
        lease conn;
        if (auto ec = co_await acquire(st, req.endpoint, deadline, !req.body.replayable(), conn)) co_return ec;
        res.connection_reused = conn.reused();
        ar = attempt_result{};
        const error_code ec = co_await exchange(*st, *conn, req, plan, res, ar, deadline);
        const bool answered = !ec || ec.category() == aws_category();
        if (answered) {
            conn.release(ar.reusable);
            co_return ec;
        }
        conn.drop();
        const bool stale_symptom = ec == errc::connection_closed;
        if (!conn.reused() || ar.response_started || !stale_symptom || replaced >= 2 ||
            cancelled(co_await asio::this_coro::cancellation_state))
            co_return ec;
        if (ar.body_consumed && req.body.type() == request_body::kind::generator) {
            if (!req.body.rewind() || !req.body.rewind()()) co_return ec;
        }
        ++st->counters.stale;
    }
}

// Clock skew: when the server says the request time is off (or rejects the signature
// while its Date is far from ours), adopt the server's clock, but only within
// max_clock_correction of ours: every later request of the client is signed with the
// offset, and a server (or anyone on a plain-HTTP path) must not move it by years.
inline bool correct_clock_skew(client_state& st, const response& res, const attempt_result& ar) {
    const std::string_view code = res.diag.service_code;
    if (!is_possible_clock_skew_code(code)) return false;
    const auto server = parse_http_date(res.header("Date")); // years 1900-2199: no overflow below
    if (!server) return false;
    const auto skew = std::chrono::duration_cast<std::chrono::seconds>(*server - ar.signed_at);
    const bool says_skewed = make_error_code(classify(res.status, code)) == aws_errc::request_time_too_skewed;
    const auto threshold = says_skewed ? std::chrono::seconds{30} : std::chrono::seconds{240};
    if (std::chrono::abs(skew) < threshold) return false;
    const auto offset = *server - std::chrono::system_clock::now();
    if (std::chrono::abs(offset) > st.options.max_clock_correction) return false;
    st.clock_offset = std::chrono::duration_cast<std::chrono::system_clock::duration>(offset);
    return true;
}

class event_builder {
public:
    event_builder(const client_state& st, const request& req) : st_(st), req_(req) {
        if (!st.options.on_event) return;
        redact_query(req.query, query_);
    }

    void emit(event_phase phase, const response& res, const error_code& ec, unsigned attempt,
              std::chrono::nanoseconds latency, std::uint64_t sent, std::uint64_t received, const request_plan& plan,
              const attempt_result& ar) {
        if (!st_.options.on_event) return;
        request_event ev;
        ev.phase = phase;
        ev.method = req_.method;
        ev.host = req_.endpoint.host;
        ev.path = req_.path;
        ev.query = query_;
        ev.status = res.status;
        ev.error = ec;
        ev.service_code = res.diag.service_code;
        ev.request_id = res.diag.request_id.empty() ? res.header("x-amz-request-id") : res.diag.request_id;
        if (ev.request_id.empty()) ev.request_id = res.header("x-amzn-RequestId");
        ev.attempt = attempt;
        ev.latency = latency;
        ev.bytes_sent = sent;
        ev.bytes_received = received;
        ev.connection_reused = res.connection_reused;
        if (st_.options.observe_headers) {
            headers_.clear();
            headers_.push_back({"Host", plan.host_header});
            for (const auto& f : req_.headers)
                if (!folded_into_framing(plan, f.name))
                    headers_.push_back({f.name, is_secret_header(f.name) ? redacted : f.value});
            if (plan.frame == framing::aws_chunked) {
                headers_.push_back({"Content-Encoding", plan.content_encoding});
                headers_.push_back({"x-amz-decoded-content-length", plan.decoded_length_view});
                if (plan.trailer) headers_.push_back({"x-amz-trailer", crypto::checksum_header_name(*plan.trailer)});
                if (!plan.sign && req_.signing.content_sha256_header)
                    headers_.push_back({"X-Amz-Content-Sha256", plan.payload_hash});
            }
            if (plan.frame == framing::chunked) {
                headers_.push_back({"Transfer-Encoding", "chunked"});
            } else if (plan.has_content_length) {
                length_ = std::to_string(plan.content_length);
                headers_.push_back({"Content-Length", length_});
            }
            if (plan.expect_continue) headers_.push_back({"Expect", "100-continue"});
            if (plan.sign) {
                headers_.push_back({"X-Amz-Date", std::string_view(ar.amz_date.data(), 16)});
                if (req_.signing.content_sha256_header) headers_.push_back({"X-Amz-Content-Sha256", plan.payload_hash});
                if (!req_.signing.credentials->session_token.empty())
                    headers_.push_back({"X-Amz-Security-Token", redacted});
                headers_.push_back({"Authorization", redacted});
            }
            ev.headers = headers_;
        }
        st_.options.on_event(ev);
    }

private:
    const client_state& st_;
    const request& req_;
    std::string query_;
    std::string length_;
    std::vector<header> headers_;
};

// Whether the attempt that just failed can be made again: a body read for it can be read
// afresh, and a sink that was given data can start over. (A function, not a lambda in the
// coroutine: its frame type has external linkage in a separately compiled build.)
inline bool can_repeat(const request& req, const request_plan& plan, const response& res,
                       const attempt_result& ar) noexcept {
    return (plan.replayable || !ar.body_consumed) && (req.sink.restartable() || res.body_size == 0);
}

// The request loop: plan, attempts, retries with backoff, clock-skew correction, events.
// `req` and `res` live in the operation that runs it.
CIRRUS_DECL asio::awaitable<error_code> run_request(std::shared_ptr<client_state> st, const request& req, response& res,
                                                    diagnostics* diag) {
    co_await asio::this_coro::throw_if_cancelled(false);
    res.clear();
    const auto start = clock::now();
    const auto total = req.total_timeout.count() > 0 ? req.total_timeout : st->options.timeouts.total;
    const auto deadline = total.count() > 0 ? start + total : clock::time_point::max();
    const auto attempt_limit = st->options.timeouts.attempt;
    event_builder events(*st, req);

    request_plan plan;
    attempt_result ar;
    error_code ec = make_plan(*st, req, plan);
    if (ec) {
        if (res.diag.message.empty()) res.diag.message = "the request cannot be sent: " + ec.message();
        events.emit(event_phase::complete, res, ec, 0, clock::now() - start, 0, 0, plan, ar);
        if (diag != nullptr) *diag = res.diag;
        co_return ec;
    }

    const retry_options& ro = st->options.retry;
    const unsigned max_attempts = req.max_attempts > 0 ? req.max_attempts : ro.max_attempts;
    unsigned attempt = 0; // attempts made
    unsigned counted = 0; // attempts that count against max_attempts
    unsigned last_cost = 0;
    bool skew_corrected = false;
    std::uint64_t sent = 0, received = 0;
    for (;;) {
        ++attempt;
        ++counted;
        if (attempt > 1) {
            if (req.sink.type() == response_sink::kind::handler && res.body_size != 0) req.sink.restart()();
            if (ar.body_consumed && req.body.type() == request_body::kind::generator && !req.body.rewind()()) break;
            const auto kept = attempt;
            res.clear();
            res.attempts = kept;
        }
        const auto t0 = clock::now();
        const auto attempt_deadline = attempt_limit.count() > 0 ? std::min(deadline, t0 + attempt_limit) : deadline;
        ec = co_await run_attempt(st, req, plan, res, ar, attempt_deadline);
        if (ec == errc::total_timeout && clock::now() < deadline) ec = make_error_code(errc::attempt_timeout);
        res.attempts = attempt;
        sent += ar.bytes_sent;
        received += ar.bytes_received;
        events.emit(event_phase::attempt, res, ec, attempt, clock::now() - t0, ar.bytes_sent, ar.bytes_received, plan,
                    ar);
        if (!ec) {
            st->quota.on_success(last_cost);
            break;
        }
        if (cancelled(co_await asio::this_coro::cancellation_state)) {
            ec = make_error_code(asio::error::operation_aborted);
            break;
        }
        if (!skew_corrected && plan.sign && ec.category() == aws_category() && correct_clock_skew(*st, res, ar)) {
            skew_corrected = true; // later requests are signed with the server's clock either way
            if (can_repeat(req, plan, res, ar)) {
                --counted;
                continue;
            }
        }
        const retry_class kind = classify_retry(ec, res.status);
        if (kind == retry_class::none || counted >= max_attempts || !can_repeat(req, plan, res, ar)) break;
        const unsigned cost = st->quota.acquire(kind);
        if (cost == 0) break; // the quota is spent: give up with this attempt's error
        last_cost = cost;
        const auto delay = backoff_delay(ro, counted, st->uniform01());
        if (deadline != clock::time_point::max() && clock::now() + delay >= deadline) {
            ec = make_error_code(errc::total_timeout);
            break;
        }
        asio::steady_timer timer(st->executor, delay);
        error_code wait_ec;
        co_await timer.async_wait(with_ec(wait_ec));
        if (wait_ec || cancelled(co_await asio::this_coro::cancellation_state)) {
            ec = make_error_code(asio::error::operation_aborted);
            break;
        }
    }
    res.attempts = attempt;
    if (ec && res.diag.http_status == 0 && res.diag.message.empty()) res.diag.message = ec.message();
    events.emit(event_phase::complete, res, ec, attempt, clock::now() - start, sent, received, plan, ar);
    if (ec && diag != nullptr) *diag = res.diag;
    co_return ec;
}

CIRRUS_DECL asio::awaitable<error_code> get_url(std::shared_ptr<client_state> st, std::string_view url, response& res,
                                                diagnostics& diag) {
    const auto scheme_end = url.find("://");
    const auto authority_end = scheme_end == std::string_view::npos ? std::string_view::npos
                                                                    : url.find_first_of("/?#", scheme_end + 3);
    auto ep = endpoint::parse(url.substr(0, authority_end));
    if (!ep) {
        diag.clear();
        diag.message = "not an http:// or https:// URL";
        co_return ep.error();
    }
    std::string_view rest = authority_end == std::string_view::npos ? std::string_view{} : url.substr(authority_end);
    rest = rest.substr(0, rest.find('#'));
    const auto question = rest.find('?');
    std::string_view path = rest.substr(0, question);
    if (path.empty()) path = "/";
    const std::string_view query = question == std::string_view::npos ? std::string_view{} : rest.substr(question + 1);
    const request req{.endpoint = *ep, .method = verb::get, .path = path, .query = query};
    co_return co_await run_request(std::move(st), req, res, &diag);
}

} // namespace detail
namespace detail {

CIRRUS_DECL std::shared_ptr<client_state> make_client_state(const asio::any_io_executor& ex, client_options options) {
    return std::make_shared<client_state>(ex, std::move(options));
}
CIRRUS_DECL void shutdown(client_state& st) noexcept { st.shutdown(); }
CIRRUS_DECL const client_options& options(const client_state& st) noexcept { return st.options; }
CIRRUS_DECL diagnostics& last_diagnostics(client_state& st) noexcept { return st.last_diagnostics; }
CIRRUS_DECL pool_stats stats(const client_state& st) { return st.stats(); }
CIRRUS_DECL void close_idle(client_state& st) { st.close_idle(); }
CIRRUS_DECL unsigned retry_tokens(const client_state& st) noexcept { return st.quota.available(); }
CIRRUS_DECL std::chrono::system_clock::duration clock_offset(const client_state& st) noexcept {
    return st.clock_offset;
}
CIRRUS_DECL void set_clock_offset(client_state& st, std::chrono::system_clock::duration d) noexcept {
    st.clock_offset = d;
}

} // namespace detail

} // namespace cirrus::http
