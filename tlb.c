#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/libbpf.h>
#include <bpf/bpf.h>
#define N (1u << 20)
#define CH 512
static double run(int mode, unsigned mask, int kmalloc_chunks)
{
	struct bpf_object *o = bpf_object__open_file("tlb.bpf.o", NULL);
	struct bpf_map *ro = bpf_object__find_map_by_name(o, ".rodata");
	size_t sz; unsigned *rod = bpf_map__initial_value(ro, &sz);
	rod[0] = mode; rod[1] = mask;
	/* inner template */
	int tmpl = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 64, CH, NULL);
	bpf_map__set_inner_map_fd(bpf_object__find_map_by_name(o, "chunks"), tmpl);
	if (bpf_object__load(o)) { fprintf(stderr, "load\n"); exit(1); }
	int outer = bpf_map__fd(bpf_object__find_map_by_name(o, "chunks"));
	if (mode == 2) {
		for (unsigned c = 0; c < N / CH && c * CH <= mask; c++) {
			int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, NULL, 4, 64, CH, NULL);
			if (fd < 0) { perror("create"); exit(1); }
			bpf_map_update_elem(outer, &c, &fd, 0);
			close(fd);
		}
	}
	int prog = bpf_program__fd(bpf_object__find_program_by_name(o, "probe"));
	char pkt[64] = {0};
	LIBBPF_OPTS(bpf_test_run_opts, t, .data_in = pkt, .data_size_in = sizeof(pkt), .repeat = 200000);
	double best = 1e9;
	for (int r = 0; r < 5; r++) {
		if (bpf_prog_test_run_opts(prog, &t)) { perror("run"); exit(1); }
		if (t.duration < best) best = t.duration;
	}
	bpf_object__close(o); close(tmpl);
	return best;
}
int main(int argc, char **argv)
{
	unsigned masks[] = { (1u<<13)-1, (1u<<17)-1, (1u<<20)-1 };
	const char *names[] = { "512 KiB", "8 MiB", "64 MiB" };
	for (int k = 0; k < 3; k++) {
		double none = run(0, masks[k], 0), big = run(1, masks[k], 0), ch = run(2, masks[k], 1);
		printf("%-8s none %6.1f  vmalloc-array %6.1f (+%.1f)  array-of-32KiB-maps %6.1f (+%.1f)\n",
		       names[k], none, big, big - none, ch, ch - none);
	}
	return 0;
}
