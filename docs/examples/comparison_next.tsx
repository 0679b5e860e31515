// The same page in Next.js (docs/comparison.rst), for reading side by side.
import { db } from "@/lib/db";

export default async function Page({ params }: { params: { id: string } }) {
  const post = await db.post(params.id);

  async function updatePost(formData: FormData) {
    "use server";
    await db.updatePost(params.id, formData.get("title") as string);
  }

  return (
    <form action={updatePost}>
      <input name="title" defaultValue={post.title} />
      <button>Save</button>
    </form>
  );
}
