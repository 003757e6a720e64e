#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
static void *work(void *a)
{
	size_t n = 1 << 20;
	char *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	memset(p, 1, n);
	mprotect(p, 4096, PROT_READ);
	munmap(p, n);
	free(malloc(200000));
	return a;
}
int main(void)
{
	pthread_t t[4];
	for (int i = 0; i < 4; i++)
		pthread_create(&t[i], NULL, work, NULL);
	for (int i = 0; i < 4; i++)
		pthread_join(t[i], NULL);
	return 0;
}
