// Running a job beside the caller, for the census's second walk (census.cc; the bench's floor program uses it the
// same way): on a thread parked between jobs, else on a thread of its own, else inline.
#pragma once
#include <condition_variable>
#include <functional>
#include <mutex>
#include <system_error>
#include <thread>

namespace ephemeral_ports {

// Why not a new std::thread per census: on the bench VM a new thread started running 1.5-5 ms after its creation
// while the iterator kept the creating CPU busy; a parked thread that is woken starts within ~0.5 ms (measured: a
// 30,000-socket census went from 16-25 ms to 12-14 ms). One job at a time: a census that finds it busy makes its
// own thread (see Beside).
class ParkedThread {
 public:
  // Starts `job` there; false (nothing started) when it is busy or cannot be created.
  bool TryStart(std::function<void()> job) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (busy_) return false;
    if (!started_) {
      try {
        std::thread([this] { Loop(); }).detach();
      } catch (const std::system_error&) {
        return false;
      }
      started_ = true;
    }
    job_ = std::move(job);
    busy_ = pending_ = true;
    changed_.notify_all();
    return true;
  }

  // Blocks until the started job has finished.
  void Wait() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return !pending_ && !running_; });
    busy_ = false;
  }

 private:
  void Loop() {
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      changed_.wait(lock, [this] { return pending_; });
      std::function<void()> job = std::move(job_);
      pending_ = false;
      running_ = true;
      lock.unlock();
      job();
      lock.lock();
      running_ = false;
      changed_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable changed_;
  std::function<void()> job_;
  bool started_ = false, busy_ = false, pending_ = false, running_ = false;
};

// The process's one parked thread, created on first use and never destroyed (it stays parked until exit).
inline ParkedThread& Parked() {
  static ParkedThread* parked = new ParkedThread();
  return *parked;
}

// Runs `job` beside the caller from construction to destruction: on the parked thread, on a thread of its own
// when that one is busy (another census), or inline when no thread can be had. The destructor waits, so what the
// job writes may be read once the object is gone.
class Beside {
 public:
  explicit Beside(const std::function<void()>& job) : parked_(Parked().TryStart(job)) {
    if (parked_) return;
    try {
      own_ = std::thread(job);
    } catch (const std::system_error&) {
      job();  // no thread to be had: one walk after the other
    }
  }
  Beside(const Beside&) = delete;
  Beside& operator=(const Beside&) = delete;
  ~Beside() {
    if (parked_) Parked().Wait();
    if (own_.joinable()) own_.join();
  }

 private:
  const bool parked_;
  std::thread own_;
};

}  // namespace ephemeral_ports
