import type { WorkNotificationMessage } from '@dtg/contracts';

/** One valid sample per msgtype of §4.2. */
export const validMessages: Record<WorkNotificationMessage['msgtype'], WorkNotificationMessage> = {
  text: { msgtype: 'text', text: { content: '你好 hello' } },
  image: { msgtype: 'image', image: { media_id: '@lADOADmaWMzazQKA' } },
  voice: { msgtype: 'voice', voice: { media_id: '@lADOADmaWMzazQKA', duration: '10' } },
  file: { msgtype: 'file', file: { media_id: '@lAjPDeC2uGvMF' } },
  link: { msgtype: 'link', link: { messageUrl: 'http://x.test/a', picUrl: '@lADOAD', title: 'Title', text: 'Body' } },
  oa: {
    msgtype: 'oa',
    oa: {
      message_url: 'http://x.test/oa',
      head: { bgcolor: 'FFBBBBBB', text: 'head' },
      body: { title: 'Leave request', form: [{ key: 'Name:', value: 'Zhang San' }], rich: { num: '15.6', unit: 'CNY' }, content: 'text', author: 'me' },
    },
  },
  markdown: { msgtype: 'markdown', markdown: { title: 'Weather', text: '# Sunny\n**25°C**' } },
  action_card: { msgtype: 'action_card', action_card: { title: 'Card', markdown: 'Read me', single_title: 'Open', single_url: 'http://x.test' } },
};
