/* timeit.c - runs a command and prints its wall time, CPU time and peak memory,
 * for bench/run.sh:
 *
 *   timeit OUT COMMAND [ARG...]
 *
 * writes "WALL_S CPU_S PEAK_KB" to OUT (seconds to the microsecond; CPU is user +
 * system of the command and the threads it ran; peak is the largest resident set
 * of it and its children, as wait4 reports it) and exits with the command's exit
 * code. Unlike /usr/bin/time (whose elapsed time has hundredths of a second), the
 * wall time is taken from the monotonic clock around fork and wait, so it holds
 * the command alone, not the shell and tools around it. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double secs(struct timeval tv)
{
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	if (argc < 3) {
		fprintf(stderr, "usage: timeit OUT COMMAND [ARG...]\n");
		return 2;
	}
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	pid_t pid = fork();
	if (pid < 0) {
		perror("timeit: fork");
		return 2;
	}
	if (pid == 0) {
		execvp(argv[2], argv + 2);
		perror("timeit: exec");
		_exit(127);
	}
	int status = 0;
	struct rusage ru;
	while (wait4(pid, &status, 0, &ru) < 0)
		;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double wall = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	FILE *out = fopen(argv[1], "w");
	if (!out) {
		perror("timeit: output");
		return 2;
	}
	fprintf(out, "%.6f %.6f %ld\n", wall, secs(ru.ru_utime) + secs(ru.ru_stime), ru.ru_maxrss);
	fclose(out);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}
