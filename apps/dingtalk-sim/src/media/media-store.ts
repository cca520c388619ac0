/** An uploaded file as the simulator keeps it: who uploaded it and what it is (not its bytes). */
export interface StoredMedia {
  mediaId: string;
  /** The uploading app or ISV install (`clientKeyOf`): a media id works only for its own sends. */
  owner: string;
  type: string;
  filename: string;
  size: number;
  sha256: string;
  createdAt: number;
}

export class MediaStore {
  private readonly media = new Map<string, StoredMedia>();

  add(media: StoredMedia): void {
    this.media.set(media.mediaId, media);
  }

  /** The media if `owner` uploaded it. */
  ownedBy(mediaId: string, owner: string): StoredMedia | undefined {
    const media = this.media.get(mediaId);
    return media?.owner === owner ? media : undefined;
  }

  list(): StoredMedia[] {
    return [...this.media.values()];
  }
}
