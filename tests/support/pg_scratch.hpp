#pragma once
// A private PostgreSQL 15 server for tests that stop and restart it (the shared one of
// scripts/services.sh serves other tests at the same time): initdb into a new directory
// under /tmp (about half a second), trust authentication on 127.0.0.1, a free port. Run
// as the "postgres" OS user when the tests run as root, as scripts/services.sh does.
// The server is stopped and its directory removed when the object goes away.

#include <cirrus/postgres/connect_params.hpp>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace cirrus::test {

class pg_scratch_server {
public:
    pg_scratch_server() {
        const char* bin = std::getenv("CIRRUS_PG_BIN");
        bin_ = bin && *bin ? bin : "/usr/lib/postgresql/15/bin";
        char tmpl[] = "/tmp/cirrus-pg-scratch-XXXXXX";
        if (::mkdtemp(tmpl) == nullptr) {
            error_ = "mkdtemp failed";
            return;
        }
        dir_ = tmpl;
        if (::geteuid() == 0) {
            const passwd* pw = ::getpwnam("postgres");
            if (pw == nullptr || ::chown(dir_.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
                error_ = "no postgres OS user to run the server as";
                return;
            }
            as_postgres_ = true;
        }
        port_ = free_port();
        if (!run({bin_ + "/initdb", "-D", dir_ + "/data", "-U", "postgres", "--auth=trust", "-N", "--no-instructions",
                  "-E", "UTF8", "--locale=C.UTF-8"},
                 dir_ + "/initdb.log")) {
            error_ = "initdb failed (see " + dir_ + "/initdb.log)";
            return;
        }
        {
            std::ofstream conf(dir_ + "/data/postgresql.conf", std::ios::app);
            conf << "\nport = " << port_ << "\nlisten_addresses = '127.0.0.1'\nunix_socket_directories = '" << dir_
                 << "'\nfsync = off\nmax_connections = 40\nshared_buffers = 16MB\n";
        }
        if (!start()) error_ = "the server did not start (see " + dir_ + "/server.log)";
    }
    pg_scratch_server(const pg_scratch_server&) = delete;
    pg_scratch_server& operator=(const pg_scratch_server&) = delete;
    ~pg_scratch_server() {
        if (dir_.empty()) return;
        run({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "immediate", "-w", "stop"}, dir_ + "/pg_ctl.log");
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }

    // Empty when the server runs.
    const std::string& error() const noexcept { return error_; }
    std::uint16_t port() const noexcept { return port_; }

    // "fast" shutdown, as an administrator's restart: sessions get FATAL 57P01.
    bool stop() { return run({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-m", "fast", "-w", "stop"}, dir_ + "/pg_ctl.log"); }
    bool start() {
        return run({bin_ + "/pg_ctl", "-D", dir_ + "/data", "-l", dir_ + "/server.log", "-w", "-t", "30", "start"},
                   dir_ + "/pg_ctl.log");
    }

    postgres::connect_params params() const {
        postgres::connect_params p;
        p.hosts = {postgres::host_spec{"127.0.0.1", port_, {}}};
        p.user = "postgres";
        p.database = "postgres";
        p.ssl = postgres::ssl_mode::disable;
        p.application_name = "cirrus-tests";
        p.connect_timeout = std::chrono::seconds(5);
        return p;
    }

private:
    static std::uint16_t free_port() {
        boost::asio::io_context ioc;
        boost::asio::ip::tcp::acceptor a(ioc, {boost::asio::ip::make_address("127.0.0.1"), 0});
        return a.local_endpoint().port();
    }

    // Runs a command (as the postgres user when root) with no descriptor of ours but its
    // output going to `log`: the server it may start must not hold the test's sockets or
    // CTest's pipes.
    bool run(std::vector<std::string> argv, const std::string& log) {
        if (as_postgres_) argv.insert(argv.begin(), {"/usr/sbin/runuser", "-u", "postgres", "--"});
        std::vector<char*> args;
        for (auto& a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        pid_t pid = ::fork();
        if (pid < 0) return false;
        if (pid == 0) {
            int in = ::open("/dev/null", O_RDONLY);
            int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
            if (in < 0 || out < 0 || ::chdir("/") != 0) ::_exit(127);
            ::dup2(in, 0);
            ::dup2(out, 1);
            ::dup2(out, 2);
            ::close_range(3, ~0U, 0);
            ::execv(args[0], args.data());
            ::_exit(127);
        }
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0) {
            if (errno != EINTR) return false;
        }
        return WIFEXITED(status) && WEXITSTATUS(status) == 0;
    }

    std::string bin_;
    std::string dir_;
    std::string error_;
    std::uint16_t port_ = 0;
    bool as_postgres_ = false;
};

} // namespace cirrus::test
