// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * SysV shared memory (ipc/shm.c, with the id and permission rules of ipc/util.c): shmget,
 * shmat, shmdt and shmctl over one namespace per machine. A segment is a shmem file named
 * "SYSV<key>" whose inode number is the segment's id, as /proc/pid/maps shows it; ids are
 * index + seq * 32768, the index taken cyclically and seq bumped when the index wraps, as
 * ipc_idr_alloc does. Each shmat maps a file of its own (the kernel's shm_file_data clone)
 * on the segment's inode, whose vm_ops count the VMAs that map it and keep read faults from
 * mapping neighbours (no ->map_pages): shm_nattch is the number of such VMAs, raised by
 * fork, splits and mremap copies, lowered by every unmap, and the segment marked with
 * IPC_RMID (SHM_DEST, key IPC_PRIVATE) is destroyed when the count reaches zero. The
 * segment is charged against overcommit at creation unless SHM_NORESERVE (and overcommit
 * is not "never"); its VMAs are shared and so never charged.
 * SHM_LOCK marks the mapping unevictable. A SHM_HUGETLB segment is a hugetlbfs file on a
 * machine without reserved huge pages: refused (ENOMEM) unless SHM_NORESERVE, which skips the
 * reservation; its attaches are VM_HUGETLB mappings of whole huge pages, cut only at huge
 * page boundaries, whose every fault is SIGBUS (no huge page free); SHM_LOCK leaves it be.
 * Left out: kernel.shm_rmid_forced (0, the default: segments outlive their creator), shm_next_id,
 * and user namespaces. SHM_LOCK charges the locking task's real uid as user_shm_lock charges
 * its ucounts: the pages of every segment that uid has locked count against the caller's
 * RLIMIT_MEMLOCK, until SHM_UNLOCK or the segment's destruction; IPC_INFO and SHM_INFO fill
 * struct shminfo64 and struct shm_info (mmlab_shmctl_ipc_info, mmlab_shmctl_shm_info).
 */
#include "mm/shm.h"
#include "host/host.h"
#include "mm/machine.h"
#include "mm/memory.h"
#include "mm/mmap.h"
#include "mm/mmap_lock.h"
#include "mm/shmem.h"
#include "mm/syscalls.h"
#include "mm/task.h"
#include "mm/vma.h"
#include "mmlab.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/mman.h>
#include <sys/sysmacros.h>

/* include/uapi/linux/ipc.h and shm.h */
#define IPC_PRIVATE_KEY 0
#define IPC_CREAT_ 01000
#define IPC_EXCL_ 02000
#define IPC_RMID_ 0
#define IPC_SET_ 1
#define IPC_STAT_ 2
#define IPC_INFO_ 3
#define SHM_LOCK_ 11
#define SHM_UNLOCK_ 12
#define SHM_STAT_ 13
#define SHM_INFO_ 14
#define SHM_STAT_ANY_ 15
#define SHM_RDONLY_ 010000
#define SHM_RND_ 020000
#define SHM_REMAP_ 040000
#define SHM_EXEC_ 0100000
#define SHM_HUGETLB_ 04000
#define SHM_NORESERVE_ 010000
#define SHM_DEST_ 01000			/* shm_perm.mode: removed, destroyed at the last detach */
#define SHM_LOCKED_ 02000		/* shm_perm.mode: SHM_LOCK'ed */
#define S_IRWXUGO_ 0777
#define SHMLBA_ PAGE_SIZE
#define SHMMIN 1UL
#define SHMMNI 4096
#define SHMMAX_DEFAULT (~0UL - (1UL << 24))	/* ULONG_MAX - 2^24: shmmax and shmall */
#define CAP_IPC_OWNER 15
#define IS_ERR_VALUE(x) ((unsigned long)(x) >= (unsigned long)-MAX_ERRNO)

/* One segment (struct shmid_kernel with its kern_ipc_perm). */
struct shmid_kernel {
	int id;				/* index | seq << IPCMNI_SEQ_SHIFT */
	int32_t key;			/* IPC_PRIVATE once removed */
	uint32_t uid, gid, cuid, cgid;	/* Owner and creator (euid, egid at creation) */
	uint32_t mode;			/* Permission bits | SHM_DEST | SHM_LOCKED */
	size_t segsz;			/* Bytes asked for (the object's i_size) */
	int64_t atime, dtime, ctime;	/* Last attach, detach, change: wall-clock seconds */
	int cpid, lpid;			/* Creator's tgid; last attach/detach's tgid (0: none) */
	unsigned long nattch;		/* VMAs mapping it, plus shmat calls under way */
	struct file *shm_file;		/* The segment's shmem file, one reference */
	uint32_t lock_uid;		/* Whose memlock allowance SHM_LOCK used */
};

/* One attach: the file its VMAs map (shm_file_data behind file->private_data). */
struct shm_file_data {
	struct ipc_namespace *ns;
	int id;				/* The segment's id when attached */
	struct file *file;		/* The segment's shm_file, one reference */
	size_t size;			/* The segment's size, for shmdt's search */
};

static struct ipc_namespace *task_ipc_ns(struct task *tsk)
{
	return tsk->mm->machine->ipc_ns;
}

/**
 * shm_init_ns - the machine's empty namespace with the kernel's default limits.
 * Return: 0 or -ENOMEM.
 */
int shm_init_ns(struct machine *m)
{
	struct ipc_namespace *ns = calloc(1, sizeof(*ns));

	if (!ns)
		return -ENOMEM;
	pthread_mutex_init(&ns->lock, NULL);
	ns->last_idx = -1;
	ns->shm_ctlmax = SHMMAX_DEFAULT;
	ns->shm_ctlall = SHMMAX_DEFAULT;
	ns->shm_ctlmni = SHMMNI;
	m->ipc_ns = ns;
	return 0;
}

/**
 * shm_sysctl - kernel.shmmax, kernel.shmall (unsigned longs, any value) and kernel.shmmni
 * (0..32768) of the machine's namespace, read (@old_val) and/or written (@new_val).
 * Return: 0; -EINVAL (out of range); -ENOENT (another name).
 */
int shm_sysctl(struct machine *m, const char *name, const uint64_t *new_val, uint64_t *old_val)
{
	struct ipc_namespace *ns = m->ipc_ns;
	unsigned long *ul = NULL;

	if (!strcmp(name, "kernel.shmmax"))
		ul = &ns->shm_ctlmax;
	else if (!strcmp(name, "kernel.shmall"))
		ul = &ns->shm_ctlall;
	else if (strcmp(name, "kernel.shmmni"))
		return -ENOENT;
	if (!ul && new_val && *new_val > IPCMNI)
		return -EINVAL;
	pthread_mutex_lock(&ns->lock);
	if (old_val)
		*old_val = ul ? *ul : (uint64_t)ns->shm_ctlmni;
	if (new_val && ul)
		*ul = *new_val;
	else if (new_val)
		ns->shm_ctlmni = (int)*new_val;
	pthread_mutex_unlock(&ns->lock);
	return 0;
}

static void shm_free(struct shmid_kernel *shp)
{
	fput(shp->shm_file);
	free(shp);
}

/**
 * shm_exit_ns - free every segment left and the namespace (shm_exit_ns).
 * Context: no task of the machine is left; the machine's frames still exist.
 */
void shm_exit_ns(struct machine *m)
{
	struct ipc_namespace *ns = m->ipc_ns;

	if (!ns)
		return;
	for (int i = 0; ns->segs && i < IPCMNI; i++)
		if (ns->segs[i])
			shm_free(ns->segs[i]);
	free(ns->segs);
	pthread_mutex_destroy(&ns->lock);
	free(ns);
	m->ipc_ns = NULL;
}

/* The segment @id names (ipc_obtain_object_check): NULL for a free index or a stale seq. */
static struct shmid_kernel *shm_obtain(struct ipc_namespace *ns, int id)
{
	struct shmid_kernel *shp;

	if (id < 0 || !ns->segs)
		return NULL;
	shp = ns->segs[id & (IPCMNI - 1)];
	return shp && shp->id == id ? shp : NULL;
}

/* The live segment with @key (ipc_findkey): removed ones have lost their key. */
static struct shmid_kernel *shm_findkey(struct ipc_namespace *ns, int32_t key)
{
	for (int i = 0; ns->segs && i < IPCMNI; i++)
		if (ns->segs[i] && ns->segs[i]->key == key)
			return ns->segs[i];
	return NULL;
}

/* The fsgid is the group in_group_p() tests (no supplementary groups here). */
static bool in_group(const struct cred *c, uint32_t gid)
{
	return c->fsgid == gid;
}

/*
 * ipcperms: do the mode bits grant @flag's rwx (owner, group or other triplet, whichever
 * applies to the caller), or does CAP_IPC_OWNER override them? 0 or -EACCES.
 */
static int ipcperms(const struct task *tsk, const struct shmid_kernel *shp, short flag)
{
	const struct cred *c = &tsk->cred;
	int requested = (flag >> 6) | (flag >> 3) | flag;
	int granted = (int)shp->mode;

	if (c->euid == shp->cuid || c->euid == shp->uid)
		granted >>= 6;
	else if (in_group(c, shp->cgid) || in_group(c, shp->gid))
		granted >>= 3;
	if ((requested & ~granted & 0007) && !capable(tsk, CAP_IPC_OWNER))
		return -EACCES;
	return 0;
}

/* The owner, the creator or CAP_SYS_ADMIN may change or remove it (ipcctl_obtain_check). */
static bool shm_owner_or_admin(const struct task *tsk, const struct shmid_kernel *shp)
{
	uint32_t euid = tsk->cred.euid;

	return euid == shp->cuid || euid == shp->uid || capable(tsk, CAP_SYS_ADMIN);
}

/*
 * A free index for a new segment and its id (ipc_idr_alloc with a negative shm_next_id):
 * the search starts after the last index given and wraps; coming back to an index at or
 * below the last one bumps the sequence.
 */
static int shm_idr_alloc(struct ipc_namespace *ns, struct shmid_kernel *shp)
{
	int idx = -1;

	for (int n = 0; n < IPCMNI; n++) {
		int i = (ns->next_idx + n) % IPCMNI;

		if (!ns->segs[i]) {
			idx = i;
			break;
		}
	}
	if (idx < 0)
		return -ENOSPC;
	if (idx <= ns->last_idx && ++ns->seq >= (INT32_MAX >> IPCMNI_SEQ_SHIFT))
		ns->seq = 0;
	ns->last_idx = idx;
	ns->next_idx = idx + 1;
	shp->id = (ns->seq << IPCMNI_SEQ_SHIFT) + idx;
	ns->segs[idx] = shp;
	ns->in_use++;
	return 0;
}

/* The shmem file of a new segment: "/SYSV<key>" on the internal mount (00:01, no link). */
static struct file *shm_file_setup(struct machine *m, int32_t key, size_t size)
{
	struct file *f;
	char name[32];

	snprintf(name, sizeof(name), "/SYSV%08x", (uint32_t)key);
	f = shmem_file_setup(m, name, size);
	if (f)
		f->f_inode->seals = F_SEAL_SEAL;
	return f;
}

/* "shmid gets reported as inode# in /proc/pid/maps" (newseg) */
static void shm_set_ino(struct machine *m, struct file *f, int id)
{
	pthread_mutex_lock(&m->vfs.lock);
	f->f_inode->i_ino = (ino_t)(unsigned int)id;
	pthread_mutex_unlock(&m->vfs.lock);
	f->ino = (ino_t)(unsigned int)id;
}

/*
 * SHM_HUGETLB: the huge page size must be one the machine has (2 MiB: log 0 or 21), the caller
 * in vm.hugetlb_shm_group (0) or with CAP_IPC_LOCK; then hugetlb_file_setup must reserve the
 * segment's huge pages and none is free: ENOMEM, unless SHM_NORESERVE skips the reservation.
 * Return: 0 when the segment may be made.
 */
static int shm_hugetlb_setup(struct task *tsk, int shmflg)
{
	unsigned int log = ((unsigned int)shmflg >> 26) & 0x3f;

	if (log && log != 21)
		return -EINVAL;
	if (!capable(tsk, CAP_IPC_LOCK) && !in_group(&tsk->cred, 0))
		return -EPERM;
	return (shmflg & SHM_NORESERVE_) ? 0 : -ENOMEM;
}

/*
 * newseg: a segment of @size bytes for @key. The checks come in the kernel's order: size
 * limits (EINVAL), the namespace's page total (ENOSPC), the overcommit charge (ENOMEM), the
 * number of segments (ENOSPC).
 */
static int shm_newseg(struct task *tsk, struct ipc_namespace *ns, int32_t key, size_t size,
		      int shmflg)
{
	struct machine *m = tsk->mm->machine;
	size_t numpages = (size + PAGE_SIZE - 1) >> PAGE_SHIFT;
	struct shmid_kernel *shp;
	bool noreserve, hugetlb = shmflg & SHM_HUGETLB_;
	int err;

	if (size < SHMMIN || size > ns->shm_ctlmax)
		return -EINVAL;
	if (numpages << PAGE_SHIFT < size)
		return -ENOSPC;
	if (ns->shm_tot + numpages < ns->shm_tot || ns->shm_tot + numpages > ns->shm_ctlall)
		return -ENOSPC;
	if (hugetlb) {
		err = shm_hugetlb_setup(tsk, shmflg);
		if (err)
			return err;
	}
	if (!ns->segs) {
		ns->segs = calloc(IPCMNI, sizeof(*ns->segs));
		if (!ns->segs)
			return -ENOMEM;
	}
	/* shmem_acct_size: charged whole unless SHM_NORESERVE outside overcommit "never";
	 * hugetlbfs has its own accounting (its pool) */
	noreserve = hugetlb ||
		    ((shmflg & SHM_NORESERVE_) && m->commit.overcommit_memory != OVERCOMMIT_NEVER);
	if (!noreserve && security_vm_enough_memory_mm(tsk, tsk->mm, (long)numpages))
		return -ENOMEM;
	shp = calloc(1, sizeof(*shp));
	if (shp)	/* a hugetlbfs file is as long as its whole huge pages */
		shp->shm_file = shm_file_setup(m, key, hugetlb ? ALIGN(size, PMD_SIZE) : size);
	if (shp && shp->shm_file && hugetlb)
		shp->shm_file->f_inode->i_hugetlb = true;
	if (!shp || !shp->shm_file) {
		free(shp);
		if (!noreserve)
			vm_unacct_memory(m, (long)numpages);
		return -ENOMEM;
	}
	if (!noreserve)
		shp->shm_file->f_inode->shmem_acct = numpages;
	if (ns->in_use >= min(ns->shm_ctlmni, IPCMNI)) {
		shm_free(shp);
		return -ENOSPC;
	}
	err = shm_idr_alloc(ns, shp);
	if (err) {
		shm_free(shp);
		return err;
	}
	shp->key = key;
	shp->mode = (uint32_t)shmflg & S_IRWXUGO_;
	shp->uid = shp->cuid = tsk->cred.euid;
	shp->gid = shp->cgid = tsk->cred.egid;
	shp->cpid = tsk->tgid;
	shp->ctime = host_real_seconds();
	shp->segsz = size;
	shm_set_ino(m, shp->shm_file, shp->id);
	ns->shm_tot += numpages;
	return shp->id;
}

/**
 * mmlab_shmget - shmget(2): the id of the segment of @key, created with IPC_CREAT (always for
 * IPC_PRIVATE) with the permission bits of @flags.
 * Return: the id; -ENOENT (no segment, no IPC_CREAT), -EEXIST (IPC_CREAT | IPC_EXCL and it
 * exists), -EINVAL (size out of limits, or larger than the existing segment), -EACCES
 * (the mode does not grant @flags's bits), -ENOSPC (shmall or shmmni), -ENOMEM (overcommit).
 */
MMLAB_EXPORT int mmlab_shmget(struct mmlab_task *t, int32_t key, uint64_t size, int flags)
{
	struct ipc_namespace *ns;
	struct shmid_kernel *shp;
	int ret;

	if (!t)
		return -EINVAL;
	ns = task_ipc_ns(&t->tsk);
	pthread_mutex_lock(&ns->lock);
	if (key == IPC_PRIVATE_KEY) {
		ret = shm_newseg(&t->tsk, ns, key, size, flags);
		goto unlock;
	}
	shp = shm_findkey(ns, key);
	if (!shp)
		ret = flags & IPC_CREAT_ ? shm_newseg(&t->tsk, ns, key, size, flags) : -ENOENT;
	else if ((flags & (IPC_CREAT_ | IPC_EXCL_)) == (IPC_CREAT_ | IPC_EXCL_))
		ret = -EEXIST;
	else if (shp->segsz < size)		/* shm_more_checks */
		ret = -EINVAL;
	else
		ret = ipcperms(&t->tsk, shp, (short)flags) ?: shp->id;
unlock:
	pthread_mutex_unlock(&ns->lock);
	return ret;
}

/* The segment is gone once it is removed and nobody maps it (shm_may_destroy). */
static void shm_destroy_if_unused(struct ipc_namespace *ns, struct shmid_kernel *shp)
{
	if (shp->nattch || !(shp->mode & SHM_DEST_))
		return;
	ns->shm_tot -= (shp->segsz + PAGE_SIZE - 1) >> PAGE_SHIFT;
	ns->segs[shp->id & (IPCMNI - 1)] = NULL;
	ns->in_use--;
	shm_free(shp);
}

/* __shm_open / __shm_close: a VMA of attach @sfd appears or goes, as the mm's owner does it. */
static void shm_count_vma(struct vm_area_struct *vma, long delta)
{
	struct shm_file_data *sfd = vma->vm_file->private_data;
	struct ipc_namespace *ns = sfd->ns;
	struct shmid_kernel *shp;

	pthread_mutex_lock(&ns->lock);
	shp = shm_obtain(ns, sfd->id);
	if (VM_WARN_ON(!shp || shp->shm_file != sfd->file))
		goto unlock;
	shp->lpid = vma->vm_mm->owner_tgid;
	if (delta > 0) {
		shp->atime = host_real_seconds();
		shp->nattch++;
	} else {
		shp->dtime = host_real_seconds();
		shp->nattch--;
		shm_destroy_if_unused(ns, shp);
	}
unlock:
	pthread_mutex_unlock(&ns->lock);
}

static void shm_vma_open(struct vm_area_struct *vma)
{
	shm_count_vma(vma, 1);
}

static void shm_vma_close(struct vm_area_struct *vma)
{
	shm_count_vma(vma, -1);
}

/* shm_may_split: the segment's own rule; hugetlbfs cuts only where a huge page starts. */
static int shm_may_split(struct vm_area_struct *vma, unsigned long addr)
{
	return (vma->vm_flags & VM_HUGETLB) && (addr & (PMD_SIZE - 1)) ? -EINVAL : 0;
}

static const struct vm_operations_struct shm_vm_ops = {
	.open = shm_vma_open,
	.close = shm_vma_close,
	.may_split = shm_may_split,
	.no_map_pages = true,	/* shm_vm_ops has no ->map_pages */
};

/* shm_mmap: the attach's VMA counts from now on; a hugetlbfs segment's is VM_HUGETLB, with
 * nothing to reserve (its inode is private: hugetlbfs_file_mmap's VM_NORESERVE). */
static int shm_mmap(struct file *file, struct vm_area_struct *vma)
{
	if (file->f_inode->i_hugetlb)
		vma->vm_flags |= VM_HUGETLB | VM_DONTEXPAND;
	vma->vm_ops = &shm_vm_ops;
	shm_vma_open(vma);
	return 0;
}

/* shm_release: the attach file drops the segment's file (its own inode reference stays for
 * fput to drop). */
static void shm_release(struct file *file)
{
	struct shm_file_data *sfd = file->private_data;

	fput(sfd->file);
	free(sfd);
}

static const struct file_operations shm_file_operations = {
	.mmap = shm_mmap,
	.release = shm_release,
};

/* The file one shmat maps (alloc_file_clone): the segment's object, opened @fmode. */
static struct file *shm_file_clone(struct ipc_namespace *ns, struct shmid_kernel *shp,
				   unsigned int fmode)
{
	struct shm_file_data *sfd = calloc(1, sizeof(*sfd));
	struct file *base = shp->shm_file, *f = calloc(1, sizeof(*f));

	if (!f || !sfd || !(f->path = strdup(base->path))) {
		free(f);
		free(sfd);
		return NULL;
	}
	/* shmdt's size: the file's, whole huge pages for hugetlbfs */
	*sfd = (struct shm_file_data){ .ns = ns, .id = shp->id, .file = get_file(base),
				       .size = base->f_inode->i_hugetlb ? ALIGN(shp->segsz, PMD_SIZE)
									: shp->segsz };
	f->f_count = 1;
	f->host_fd = -1;
	f->f_mode = fmode;
	f->f_flags = fmode & FMODE_WRITE ? O_RDWR : O_RDONLY;
	f->dev = base->dev;
	f->ino = base->ino;
	f->deleted = true;
	f->i_size = -1;
	f->i_mode = S_IFREG | 0777;
	f->f_mmap = FILE_MMAP_PAGECACHE;
	f->f_inode = base->f_inode;
	ihold(f->f_inode);
	f->f_op = &shm_file_operations;
	f->private_data = sfd;
	return f;
}

/* do_shmat's address rules: SHM_RND rounds down to SHMLBA, else it must be page aligned. */
static int shmat_addr(unsigned long *addr, int shmflg, unsigned long *flags)
{
	*flags = MAP_SHARED;
	if (!*addr)
		return shmflg & SHM_REMAP_ ? -EINVAL : 0;
	if (*addr & (SHMLBA_ - 1)) {
		if (!(shmflg & SHM_RND_))
			return -EINVAL;
		*addr &= ~(SHMLBA_ - 1);
		if (!*addr && (shmflg & SHM_REMAP_))
			return -EINVAL;
	}
	*flags |= MAP_FIXED;
	return 0;
}

/* The mapping itself, under mmap_lock: a fixed address must be free unless SHM_REMAP. */
static long shmat_map(struct task *tsk, struct file *file, unsigned long addr, size_t size,
		      unsigned long prot, unsigned long flags, int shmflg)
{
	struct mm_struct *mm = tsk->mm;
	long ret;

	mmap_write_lock(mm);
	if (addr && !(shmflg & SHM_REMAP_) &&
	    (addr + size < addr || find_vma_intersection(mm, addr, addr + size))) {
		ret = -EINVAL;
		goto unlock;
	}
	ret = ksys_mmap(tsk, addr, size, prot, flags, file, 0);
	/* do_mmap's populate: a VM_LOCKED default (mlockall MCL_FUTURE) faults it in */
	if (!IS_ERR_VALUE((unsigned long)ret) && (mm->def_flags & VM_LOCKED) &&
	    !(mm->def_flags & VM_LOCKONFAULT))
		mm_populate(tsk, (unsigned long)ret, PAGE_ALIGN(size), true);
unlock:
	mmap_write_unlock(mm);
	return ret;
}

/**
 * mmlab_shmat - shmat(2): map segment @shmid shared at @addr (0: where mmap would put it;
 * SHM_RND rounds down to SHMLBA), read-only with SHM_RDONLY, over existing mappings only with
 * SHM_REMAP. *@out receives the address.
 * Return: 0; -EINVAL (bad id, unaligned address, overlap without SHM_REMAP), -EACCES
 * (permissions), or mmap's errors (-ENOMEM...).
 */
MMLAB_EXPORT int mmlab_shmat(struct mmlab_task *t, int shmid, uint64_t addr, int flags,
			     uint64_t *out)
{
	unsigned long prot, mflags, uaddr = addr;
	struct ipc_namespace *ns;
	struct shmid_kernel *shp;
	struct file *file;
	short acc_mode;
	size_t size;
	long ret;

	if (!t || !out)
		return -EINVAL;
	if (shmid < 0)
		return -EINVAL;
	TASK_ENTER(&t->tsk);
	ret = shmat_addr(&uaddr, flags, &mflags);
	if (ret)
		return (int)ret;
	prot = flags & SHM_RDONLY_ ? PROT_READ : PROT_READ | PROT_WRITE;
	acc_mode = flags & SHM_RDONLY_ ? 0444 : 0666;
	if (flags & SHM_EXEC_) {
		prot |= PROT_EXEC;
		acc_mode |= 0111;
	}
	ns = task_ipc_ns(&t->tsk);
	pthread_mutex_lock(&ns->lock);
	shp = shm_obtain(ns, shmid);
	ret = !shp ? -EINVAL : ipcperms(&t->tsk, shp, acc_mode);
	if (ret) {
		pthread_mutex_unlock(&ns->lock);
		return (int)ret;
	}
	/* The attach under way holds the segment: IPC_RMID cannot destroy it meanwhile. */
	shp->nattch++;
	size = shp->shm_file->f_inode->i_hugetlb ? ALIGN(shp->segsz, PMD_SIZE) : shp->segsz;
	file = shm_file_clone(ns, shp, flags & SHM_RDONLY_ ? FMODE_READ
							   : FMODE_READ | FMODE_WRITE);
	pthread_mutex_unlock(&ns->lock);

	ret = -ENOMEM;
	if (file) {
		ret = shmat_map(&t->tsk, file, uaddr, size, prot, mflags, flags);
		fput(file);	/* the VMA holds its own reference */
	}

	pthread_mutex_lock(&ns->lock);
	shp = shm_obtain(ns, shmid);
	shp->nattch--;
	shm_destroy_if_unused(ns, shp);
	pthread_mutex_unlock(&ns->lock);
	if (IS_ERR_VALUE((unsigned long)ret))
		return (int)ret;
	*out = (uint64_t)ret;
	return 0;
}

static bool vma_is_shm(const struct vm_area_struct *vma, unsigned long addr)
{
	return vma->vm_ops == &shm_vm_ops && (vma->vm_start - addr) / PAGE_SIZE == vma->vm_pgoff;
}

/*
 * ksys_shmdt's search: the first shm VMA at or above @addr whose offset matches its distance
 * from @addr (the attach itself, or a fragment mprotect or munmap left) fixes the file and
 * the segment's size; then every VMA of that same attach within that size of @addr whose
 * offset matches goes too.
 */
static long do_shmdt(struct mm_struct *mm, unsigned long addr)
{
	struct vm_area_struct *vma;
	struct file *file = NULL;
	unsigned long size = 0, end;
	long ret = -EINVAL;

	for (vma = find_vma(mm, addr); vma; vma = find_vma(mm, vma->vm_end)) {
		if (!vma_is_shm(vma, addr))
			continue;
		file = vma->vm_file;
		size = ((struct shm_file_data *)file->private_data)->size;
		end = vma->vm_end;
		/* whole VMAs: nothing to split, so it cannot fail but on a sealed one */
		(void)!do_vmi_align_munmap(mm, vma, vma->vm_start, vma->vm_end);
		ret = 0;
		vma = find_vma(mm, end);
		break;
	}
	size = PAGE_ALIGN(size);
	while (vma && vma->vm_end - addr <= size) {
		end = vma->vm_end;
		if (vma_is_shm(vma, addr) && vma->vm_file == file)
			(void)!do_vmi_align_munmap(mm, vma, vma->vm_start, vma->vm_end);
		vma = find_vma(mm, end);
	}
	return ret;
}

/**
 * mmlab_shmdt - shmdt(2): detach the attach that starts at @addr (and its fragments).
 * Return: 0; -EINVAL when @addr is unaligned or no attach starts there.
 */
MMLAB_EXPORT int mmlab_shmdt(struct mmlab_task *t, uint64_t addr)
{
	long ret;

	if (!t)
		return -EINVAL;
	if (addr & ~PAGE_MASK)
		return -EINVAL;
	TASK_ENTER(&t->tsk);
	mmap_write_lock(t->tsk.mm);
	ret = do_shmdt(t->tsk.mm, (unsigned long)addr);
	mmap_write_unlock(t->tsk.mm);
	return (int)ret;
}

static void shm_fill_ds(const struct shmid_kernel *shp, struct mmlab_shmid_ds *buf)
{
	*buf = (struct mmlab_shmid_ds){
		.key = shp->key, .uid = shp->uid, .gid = shp->gid, .cuid = shp->cuid,
		.cgid = shp->cgid, .mode = shp->mode, .segsz = shp->segsz,
		.cpid = shp->cpid, .lpid = shp->lpid, .nattch = shp->nattch,
		.atime = shp->atime, .dtime = shp->dtime, .ctime = shp->ctime,
	};
}

static struct address_space *shm_mapping(struct shmid_kernel *shp)
{
	return inode_mapping(shp->shm_file->f_inode);
}

/* Pages of segments @uid has SHM_LOCK'ed (the user's UCOUNT_RLIMIT_MEMLOCK share). */
static unsigned long shm_locked_pages(struct ipc_namespace *ns, uint32_t uid)
{
	unsigned long pages = 0;

	for (int i = 0; i < IPCMNI; i++) {
		struct shmid_kernel *shp = ns->segs[i];

		if (shp && (shp->mode & SHM_LOCKED_) && shp->lock_uid == uid)
			pages += (shp->segsz + PAGE_SIZE - 1) >> PAGE_SHIFT;
	}
	return pages;
}

/*
 * SHM_LOCK / SHM_UNLOCK: without CAP_IPC_LOCK only the owner or creator may, and locking
 * needs a non-zero RLIMIT_MEMLOCK that the segment fits in (user_shm_lock: ENOMEM).
 */
static int shm_do_lock(struct task *tsk, struct ipc_namespace *ns, struct shmid_kernel *shp,
		       bool lock)
{
	bool cap = capable(tsk, CAP_IPC_LOCK);
	unsigned long limit = task_rlimit(tsk, RLIMIT_MEMLOCK);
	unsigned long pages = (shp->segsz + PAGE_SIZE - 1) >> PAGE_SHIFT;

	if (!cap) {
		if (tsk->cred.euid != shp->uid && tsk->cred.euid != shp->cuid)
			return -EPERM;
		if (lock && !limit)
			return -EPERM;
	}
	if (shp->shm_file->f_inode->i_hugetlb)
		return 0;	/* is_file_hugepages: nothing to lock */
	if (!lock) {
		shp->mode &= ~SHM_LOCKED_;
		shm_mapping(shp)->unevictable = false;
		return 0;
	}
	if (shp->mode & SHM_LOCKED_)
		return 0;
	if (!cap && limit != RLIM_INFINITY &&
	    shm_locked_pages(ns, tsk->cred.uid) + pages > limit >> PAGE_SHIFT)
		return -ENOMEM;
	shp->mode |= SHM_LOCKED_;
	shp->lock_uid = tsk->cred.uid;
	shm_mapping(shp)->unevictable = true;	/* mapping_set_unevictable */
	return 0;
}

/* IPC_INFO and SHM_INFO return the highest index in use (ipc_get_maxidx). */
static int shm_maxidx(struct ipc_namespace *ns)
{
	for (int i = IPCMNI - 1; ns->segs && i >= 0; i--)
		if (ns->segs[i])
			return i;
	return 0;
}

/**
 * mmlab_shmctl_ipc_info - shmctl(IPC_INFO): the namespace's limits (shmctl_ipc_info: shmseg
 * is shmmni, as Linux reports it).
 * Return: the highest index in use (0: none), -EINVAL (NULL @t), -EFAULT (NULL @buf).
 */
MMLAB_EXPORT int mmlab_shmctl_ipc_info(struct mmlab_task *t, struct mmlab_shminfo *buf)
{
	struct ipc_namespace *ns;
	int ret;

	if (!t)
		return -EINVAL;
	if (!buf)
		return -EFAULT;
	ns = task_ipc_ns(&t->tsk);
	pthread_mutex_lock(&ns->lock);
	*buf = (struct mmlab_shminfo){
		.shmmax = ns->shm_ctlmax,
		.shmmin = SHMMIN,
		.shmmni = (uint64_t)ns->shm_ctlmni,
		.shmseg = (uint64_t)ns->shm_ctlmni,
		.shmall = ns->shm_ctlall,
	};
	ret = shm_maxidx(ns);
	pthread_mutex_unlock(&ns->lock);
	return ret;
}

/**
 * mmlab_shmctl_shm_info - shmctl(SHM_INFO): the segments in use, the pages charged to them
 * (shm_tot), those in their caches (shm_rss: shm_get_stat's nrpages) and those reclaim
 * sent to swap (shm_swp: its swapped). swap_attempts and swap_successes stay 0, as Linux
 * leaves them.
 * Return: the highest index in use (0: none), -EINVAL (NULL @t), -EFAULT (NULL @buf).
 */
MMLAB_EXPORT int mmlab_shmctl_shm_info(struct mmlab_task *t, struct mmlab_shm_info *buf)
{
	struct ipc_namespace *ns;
	int ret;

	if (!t)
		return -EINVAL;
	if (!buf)
		return -EFAULT;
	ns = task_ipc_ns(&t->tsk);
	pthread_mutex_lock(&ns->lock);
	*buf = (struct mmlab_shm_info){ .used_ids = ns->in_use, .shm_tot = ns->shm_tot };
	for (int i = 0; ns->segs && i < IPCMNI; i++) {
		struct address_space *mapping;

		if (!ns->segs[i])
			continue;
		mapping = shm_mapping(ns->segs[i]);
		pthread_mutex_lock(&mapping->lock);
		buf->shm_rss += mapping->nrpages;
		buf->shm_swp += mapping->nrswapped;
		pthread_mutex_unlock(&mapping->lock);
	}
	ret = shm_maxidx(ns);
	pthread_mutex_unlock(&ns->lock);
	return ret;
}

/* shmctl's commands on one segment, with the namespace locked. */
static int shmctl_locked(struct task *tsk, struct ipc_namespace *ns, int shmid, int cmd,
			 struct mmlab_shmid_ds *buf)
{
	struct shmid_kernel *shp;
	int ret = 0;

	if (cmd == SHM_STAT_ || cmd == SHM_STAT_ANY_) {
		shp = shmid < IPCMNI && ns->segs ? ns->segs[shmid] : NULL;
		if (!shp)
			return -EINVAL;
		ret = shp->id;
	} else {
		shp = shm_obtain(ns, shmid);
		if (!shp)
			return -EINVAL;
	}
	switch (cmd) {
	case IPC_STAT_:
	case SHM_STAT_:
	case SHM_STAT_ANY_:
		if (cmd != SHM_STAT_ANY_ && ipcperms(tsk, shp, 0444))
			return -EACCES;
		if (!buf)
			return -EFAULT;	/* copy_to_user, after the lookup */
		shm_fill_ds(shp, buf);
		return ret;
	case IPC_SET_:
		if (!shm_owner_or_admin(tsk, shp))
			return -EPERM;
		shp->uid = buf->uid;
		shp->gid = buf->gid;
		shp->mode = (shp->mode & ~S_IRWXUGO_) | (buf->mode & S_IRWXUGO_);
		shp->ctime = host_real_seconds();
		return 0;
	case IPC_RMID_:
		if (!shm_owner_or_admin(tsk, shp))
			return -EPERM;
		/* do_shm_rmid: kept while attached, but no key finds it any more */
		shp->mode |= SHM_DEST_;
		shp->key = IPC_PRIVATE_KEY;
		shm_destroy_if_unused(ns, shp);
		return 0;
	case SHM_LOCK_:
	case SHM_UNLOCK_:
		return shm_do_lock(tsk, ns, shp, cmd == SHM_LOCK_);
	}
	return -EINVAL;
}

/**
 * mmlab_shmctl - shmctl(2): IPC_STAT, SHM_STAT, SHM_STAT_ANY (into @buf), IPC_SET (uid, gid
 * and permission bits from @buf), IPC_RMID, SHM_LOCK, SHM_UNLOCK, and IPC_INFO/SHM_INFO's
 * return value.
 * Return: 0 (SHM_STAT: the id; IPC_INFO/SHM_INFO: the highest index in use); -EINVAL (bad id
 * or command), -EACCES (no read permission for IPC_STAT), -EPERM (not owner, creator or
 * privileged), -EFAULT (NULL @buf where one is needed), -ENOMEM (SHM_LOCK over the limit).
 */
MMLAB_EXPORT int mmlab_shmctl(struct mmlab_task *t, int shmid, int cmd,
			      struct mmlab_shmid_ds *buf)
{
	struct ipc_namespace *ns;
	int ret;

	if (!t || cmd < 0 || shmid < 0)
		return -EINVAL;
	ns = task_ipc_ns(&t->tsk);
	if (cmd == IPC_INFO_ || cmd == SHM_INFO_) {
		pthread_mutex_lock(&ns->lock);
		ret = shm_maxidx(ns);
		pthread_mutex_unlock(&ns->lock);
		return ret;
	}
	if (!buf && cmd == IPC_SET_)
		return -EFAULT;	/* copy_from_user comes first */
	pthread_mutex_lock(&ns->lock);
	ret = shmctl_locked(&t->tsk, ns, shmid, cmd, buf);
	pthread_mutex_unlock(&ns->lock);
	return ret;
}
