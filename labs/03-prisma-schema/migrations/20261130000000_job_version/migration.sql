-- AlterTable
ALTER TABLE "jobs" ADD COLUMN     "version" INTEGER NOT NULL DEFAULT 0;
