/* hostile_target.c - a hostile vendor library for the runner's self-tests: the reference client
 * library behind one act a careless library may commit inside a case process (never in the probe,
 * so the run gets as far as its cases). Built once per act, the act named by HOSTILE_ACT at
 * compile time (CMakeLists.txt): one library per act, as a vendor would ship one.
 *
 * Every process the act starts writes its pid, one file per process, into the directory named by
 * the environment variable HOSTILE_PID_DIR, so the test can check that none is left after the run.
 * The act happens in MI_Application_InitializeV1, after the reference initialised the application.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "miconform/mi_abi.h"

typedef MI_Result (*InitializeFunction)(MI_Uint32, const MI_Char*, MI_Instance**, MI_Application*);

MI_Result MI_Application_InitializeV1(MI_Uint32 flags, const MI_Char* applicationID,
                                      MI_Instance** extendedError, MI_Application* application);

static void note_pid(void) {
  const char* dir = getenv("HOSTILE_PID_DIR");
  if (dir == NULL) return;
  char path[4096];
  snprintf(path, sizeof path, "%s/%ld", dir, (long)getpid());
  const int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0) close(fd);
}

/* True in a case process ("miconform __case ..."), false in the runner's probe. */
static int in_case_process(void) {
  char command[8192];
  const int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return 0;
  const ssize_t length = read(fd, command, sizeof command - 1);
  close(fd);
  if (length <= 0) return 0;
  for (ssize_t i = 0; i < length; ++i) {
    if (command[i] == '\0') command[i] = ' ';
  }
  command[length] = '\0';
  return strstr(command, " __case ") != NULL;
}

static void wait_forever(void) {
  for (;;) pause();
}

/* Writes `text` on every pipe descriptor above stderr: descriptors the library does not own. */
static void write_on_stray_pipes(const char* text, size_t size) {
  for (int fd = 3; fd < 256; ++fd) {
    struct stat info;
    if (fstat(fd, &info) != 0 || !S_ISFIFO(info.st_mode)) continue;
    size_t done = 0;
    while (done < size) {
      const ssize_t written = write(fd, text + done, size - done);
      if (written <= 0) break;
      done += (size_t)written;
    }
  }
}

/* A helper that detaches itself from the case, as a daemonising transport does. */
static void start_daemon(void) {
  const pid_t first = fork();
  if (first == 0) {
    if (fork() == 0) {
      setsid();
      note_pid();
      wait_forever();
    }
    _exit(0);
  }
  if (first > 0) waitpid(first, NULL, 0);
}

static void act(void) {
  const char* const name = HOSTILE_ACT;
  note_pid();
  if (strcmp(name, "daemonize") == 0) {
    start_daemon();
  } else if (strcmp(name, "sigterm_runner") == 0) {
    kill(getppid(), SIGTERM);
  } else if (strcmp(name, "sighup_runner") == 0) {
    kill(getppid(), SIGHUP);
  } else if (strcmp(name, "forge_end") == 0) {
    static const char forged[] = "end\nverdict PASS\n";
    write_on_stray_pipes(forged, sizeof forged - 1);
  } else if (strcmp(name, "flood_channel") == 0) {
    const size_t size = (size_t)64 << 20;
    char* flood = malloc(size);
    if (flood != NULL) {
      memset(flood, 'x', size);
      write_on_stray_pipes(flood, size);
      free(flood);
    }
  } else if (strcmp(name, "flood_output") == 0) {
    static char line[4096];
    memset(line, 'o', sizeof line - 1);
    line[sizeof line - 1] = '\n';
    for (int i = 0; i < 50 * 1024; ++i) {
      if (write(STDOUT_FILENO, line, sizeof line) < 0) break;
    }
  } else if (strcmp(name, "escape_group_hang") == 0) {
    setpgid(0, getpgid(getppid()));
    wait_forever();
  } else if (strcmp(name, "daemonize_hang") == 0) {
    start_daemon();
    wait_forever();
  } else if (strcmp(name, "hang") == 0) {
    wait_forever();
  } else if (strcmp(name, "ignore_sigterm_hang") == 0) {
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    wait_forever();
  } else if (strcmp(name, "sigstop") == 0) {
    raise(SIGSTOP);
  } else if (strcmp(name, "crash") == 0) {
    raise(SIGSEGV);
  } else if (strcmp(name, "exit_mid_case") == 0) {
    _exit(0);
  }
}

MI_Result MI_Application_InitializeV1(MI_Uint32 flags, const MI_Char* applicationID,
                                      MI_Instance** extendedError, MI_Application* application) {
  void* reference = dlopen(HOSTILE_REFERENCE_LIBRARY, RTLD_NOW | RTLD_LOCAL);
  if (reference == NULL) return MI_RESULT_FAILED;
  const InitializeFunction initialize =
      (InitializeFunction)dlsym(reference, "MI_Application_InitializeV1");
  if (initialize == NULL) return MI_RESULT_FAILED;
  const MI_Result result = initialize(flags, applicationID, extendedError, application);
  if (in_case_process()) act();
  return result;
}
