/* A small translation unit for gcc -c. */
int twice(int x)
{
	return 2 * x;
}
