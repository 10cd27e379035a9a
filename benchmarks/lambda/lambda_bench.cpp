// Invoke round trips through lambda::client against cargo-lambda's Runtime API emulator,
// with one function process polling it (benchmarks/run_lambda.sh):
//
//   lambda_bench --name N [--duration S] [--cold-starts K] -- <function command...>
//
// Cold start: the function process spawned, and at once one Invoke sent (the emulator
// holds it until the process polls); the time from before the spawn to the response is
// one cold start. K processes are started and stopped that way (SIGTERM while they poll
// for the next event). Then, with the last process warm, S seconds of Invokes one after
// the other (the emulator hands a function one event at a time): round trips per second,
// the median and 99th percentile round trip, and the function process's CPU per
// invocation (/proc/<pid>/stat, 10 ms ticks). Every answer must equal the event (the
// functions echo it); one that does not counts as an error. Prints one JSON line.
//
// Environment: CIRRUS_LAMBDA_EMULATOR_ENDPOINT (the Invoke route) and
// CIRRUS_LAMBDA_RUNTIME_API (host:port/.rt, given to the function as http://host:port/.rt).

#include <cirrus/lambda/lambda.hpp>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace {

namespace asio = boost::asio;
namespace lambda = cirrus::lambda;
using clock_type = std::chrono::steady_clock;

// The event every function echoes: minified, in the field order every peer writes, so that
// an echo is byte for byte the same.
constexpr std::string_view event_json =
    R"({"id":42,"name":"cirrus benchmark event","tags":["alpha","beta","gamma"],)"
    R"("items":[{"sku":"A-1","qty":2,"price":1.5},{"sku":"B-22","qty":1,"price":19.25},)"
    R"({"sku":"C-333","qty":12,"price":0.75}]})";

std::string env_or(const char* name, const char* fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != '\0' ? v : fallback;
}

pid_t spawn(const std::vector<std::string>& command, const std::string& api) {
    std::vector<std::string> args = command;
    std::vector<char*> a, e;
    for (auto& s : args) a.push_back(s.data());
    a.push_back(nullptr);
    // What Lambda sets for every function (the Rust runtime refuses to start without them),
    // in place of any the benchmark itself inherited.
    std::vector<std::string> vars{"AWS_LAMBDA_RUNTIME_API=" + api, "AWS_LAMBDA_FUNCTION_NAME=_",
                                  "AWS_LAMBDA_FUNCTION_VERSION=$LATEST", "AWS_LAMBDA_FUNCTION_MEMORY_SIZE=128",
                                  "AWS_LAMBDA_LOG_GROUP_NAME=/aws/lambda/_", "AWS_LAMBDA_LOG_STREAM_NAME=bench"};
    for (char** p = environ; *p != nullptr; ++p)
        if (std::string_view(*p).rfind("AWS_LAMBDA_", 0) != 0) e.push_back(*p);
    for (auto& v : vars) e.push_back(v.data());
    e.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawnp(&pid, a[0], nullptr, nullptr, a.data(), e.data()) != 0) return -1;
    return pid;
}

void stop(pid_t pid) {
    ::kill(pid, SIGTERM);
    int status = 0;
    ::waitpid(pid, &status, 0);
}

// utime + stime of a process in clock ticks.
long cpu_ticks(pid_t pid) {
    std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    const auto close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream in(text.substr(close + 2));
    std::string field;
    long utime = 0, stime = 0;
    for (int i = 3; i <= 15 && in >> field; ++i) {
        if (i == 14) utime = std::atol(field.c_str());
        if (i == 15) stime = std::atol(field.c_str());
    }
    return utime + stime;
}

double percentile(std::vector<double> v, double p) {
    if (v.empty()) return 0;
    std::sort(v.begin(), v.end());
    return v[static_cast<std::size_t>(p * static_cast<double>(v.size() - 1))];
}

} // namespace

int main(int argc, char** argv) {
    std::string name = "cirrus";
    double duration = 3;
    int cold_starts = 3;
    std::vector<std::string> command;
    for (int i = 1; i < argc; ++i) {
        const std::string_view a = argv[i];
        if (a == "--") {
            for (++i; i < argc; ++i) command.emplace_back(argv[i]);
        } else if (a == "--name" && i + 1 < argc) {
            name = argv[++i];
        } else if (a == "--duration" && i + 1 < argc) {
            duration = std::atof(argv[++i]);
        } else if (a == "--cold-starts" && i + 1 < argc) {
            cold_starts = std::max(1, std::atoi(argv[++i]));
        } else {
            std::fprintf(stderr, "usage: lambda_bench --name N [--duration S] [--cold-starts K] -- command...\n");
            return 2;
        }
    }
    if (command.empty()) {
        std::fprintf(stderr, "lambda_bench: no function command after --\n");
        return 2;
    }
    // The Runtime API in the form the emulator prints for its functions, with the scheme:
    // the Rust runtime parses the variable as a URI, and host:port/.rt (a path without a
    // scheme) is not one, so it panics at start (a bare host:port, as Lambda sets it,
    // parses). cirrus' runtime takes either form.
    std::string api = env_or("CIRRUS_LAMBDA_RUNTIME_API", "127.0.0.1:9100/.rt");
    if (api.find("://") == std::string::npos) api = "http://" + api;

    // A stuck emulator or a function that never polls must not hang the run.
    std::atomic<long> progress{0};
    std::thread([&progress] {
        long seen = -1;
        for (;;) {
            std::this_thread::sleep_for(std::chrono::seconds(20));
            const long now = progress.load();
            if (now == seen) {
                std::fprintf(stderr, "lambda_bench: no answer for 20 s\n");
                std::_Exit(1);
            }
            seen = now;
        }
    }).detach();

    asio::io_context ioc;
    cirrus::aws::service_options options{
        .region = "us-east-1",
        .endpoint = env_or("CIRRUS_LAMBDA_EMULATOR_ENDPOINT", "http://127.0.0.1:9100"),
        .credentials = cirrus::auth::any_credentials_provider(
            cirrus::auth::static_provider("AKIDCIRRUSBENCH", "cirrus-bench-secret"))};
    lambda::client<> client(ioc.get_executor(), options);

    std::vector<double> cold_ms, round_trip_us;
    long errors = 0, invocations = 0;
    double elapsed = 0, fn_cpu_us = 0;
    std::string first_error;
    pid_t pid = -1;

    auto run = [&]() -> asio::awaitable<void> {
        const lambda::invoke_request request{.function_name = "_", .payload = event_json, .max_attempts = 1};
        auto one = [&]() -> asio::awaitable<bool> {
            auto [ec, r] = co_await client.async_invoke(request, asio::as_tuple(asio::use_awaitable));
            ++progress;
            if (!ec && r.payload == event_json) co_return true;
            ++errors;
            if (first_error.empty())
                first_error = ec ? ec.message() + ": " + client.last_diagnostics().what() : "answer differs: " + r.payload;
            co_return false;
        };
        for (int i = 0; i < cold_starts; ++i) {
            if (pid > 0) stop(pid);
            const auto t0 = clock_type::now();
            pid = spawn(command, api);
            if (pid <= 0) {
                first_error = "cannot start " + command[0];
                ++errors;
                co_return;
            }
            co_await one();
            cold_ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - t0).count());
        }
        // Warm-up, then the timed phase.
        for (int i = 0; i < 50; ++i) co_await one();
        const long ticks0 = cpu_ticks(pid);
        const auto start = clock_type::now();
        const auto end = start + std::chrono::duration<double>(duration);
        while (clock_type::now() < end) {
            const auto t = clock_type::now();
            co_await one();
            round_trip_us.push_back(std::chrono::duration<double, std::micro>(clock_type::now() - t).count());
            ++invocations;
        }
        elapsed = std::chrono::duration<double>(clock_type::now() - start).count();
        const long ticks = cpu_ticks(pid) - ticks0;
        fn_cpu_us = invocations > 0 ? static_cast<double>(ticks) * 1e6 / static_cast<double>(::sysconf(_SC_CLK_TCK)) /
                                          static_cast<double>(invocations)
                                    : 0;
    };
    asio::co_spawn(ioc, run(), asio::detached);
    ioc.run();
    if (pid > 0) stop(pid);

    std::string colds;
    for (double c : cold_ms) colds += (colds.empty() ? "" : ",") + std::to_string(c);
    std::printf("{\"client\":\"%s\",\"cold_start_ms\":%.2f,\"cold_starts_ms\":[%s],\"rps\":%.1f,\"invocations\":%ld,"
                "\"p50_us\":%.1f,\"p99_us\":%.1f,\"fn_cpu_us\":%.1f,\"errors\":%ld}\n",
                name.c_str(), percentile(cold_ms, 0.5), colds.c_str(),
                elapsed > 0 ? static_cast<double>(invocations) / elapsed : 0.0, invocations,
                percentile(round_trip_us, 0.5), percentile(round_trip_us, 0.99), fn_cpu_us, errors);
    if (!first_error.empty()) std::fprintf(stderr, "lambda_bench %s: %s\n", name.c_str(), first_error.c_str());
    return errors == 0 ? 0 : 1;
}
